import Mustache

/// A typed view that the template engine reads through a table of key paths instead of
/// reflection: `Mirror` built every field of a view for every name a template looked up, which
/// made a 1,000-team plan three times slower than the dictionaries these views replaced.
/// `TemplateViewTests` checks that the table covers every name its templates read.
protocol TemplateView: MustacheParent {
    /// The fields a template may read, by name.
    static var fields: [String: PartialKeyPath<Self> & Sendable] { get }
}

extension TemplateView {
    /// The names a template may read.
    static var fieldNames: [String] { Array(fields.keys) }

    func child(named name: String) -> Any? {
        guard let path = Self.fields[name] else { return nil }
        let value = self[keyPath: path]
        // A nil optional is no value (a section that does not render), as with reflection.
        if let optional = value as? any OptionalValue { return optional.wrapped }
        return value
    }
}

/// Lets a view see through an `Optional` held as `Any`.
protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    var wrapped: Any? { self.map { $0 as Any } }
}
