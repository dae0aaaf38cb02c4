import XCTest

@testable import MLEnvCore

final class VersionTests: XCTestCase {
    func v(_ text: String) -> PEP440Version { PEP440Version(text)! }

    /// The specifiers of a requirement `x` + `text` (`>=1.24,<2`).
    func spec(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> SpecifierSet {
        guard case .success(let requirement) = RequirementParser.parse("x" + text) else {
            XCTFail(text, file: file, line: line)
            return SpecifierSet([])
        }
        return requirement.specifiers
    }

    func testPEP440OrderingFromTheSpecification() {
        // The ordering example of PEP 440's "Summary of permitted suffixes and relative ordering".
        let ordered = [
            "1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
            "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7",
            "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1",
        ]
        for (a, b) in zip(ordered, ordered.dropFirst()) {
            XCTAssertLessThan(v(a), v(b), "\(a) < \(b)")
        }
    }

    func testNormalisationAndNVIDIABuilds() {
        XCTAssertEqual(v("1.0-1").description, "1.0.post1")
        XCTAssertEqual(v("v2.1.0ALPHA1").description, "2.1.0a1")
        XCTAssertEqual(v("1.0c1").description, "1.0rc1")
        XCTAssertEqual(v("2!1.0").epoch, 2)
        XCTAssertEqual(v("1.0"), v("1.0.0"))
        let ngc = v("2.1.0a0+32f93b1")
        XCTAssertEqual(ngc.local, ["32f93b1"])
        XCTAssertTrue(ngc.isPrerelease)
        XCTAssertTrue(ngc.hasReleasePrefix([2, 1]))
        XCTAssertFalse(ngc.hasReleasePrefix([2, 10]))
        XCTAssertTrue(v("2").hasReleasePrefix([2, 0]))
        for bad in ["", "1.0+", "1.0+a..b", "one", "1.0 beta", "1..0", "1.0a1a2", "1.0+ab_cd!"] {
            XCTAssertNil(PEP440Version(bad), bad)
        }
    }

    func testSpecifiersFromPEP440() {
        XCTAssertTrue(spec("~=2.2").contains(v("2.3")))
        XCTAssertFalse(spec("~=2.2").contains(v("3.0")))
        XCTAssertTrue(spec("~=1.4.5").contains(v("1.4.9")))
        XCTAssertFalse(spec("~=1.4.5").contains(v("1.5.0")))
        XCTAssertTrue(spec("==2.1.*").contains(v("2.1.0a0+32f93b1")))
        XCTAssertFalse(spec("==2.1.*").contains(v("2.10.0")))
        XCTAssertTrue(spec("!=1.1.*").contains(v("1.2")))
        XCTAssertFalse(spec("<2").contains(v("2.0rc1")), "<2 excludes 2's pre-releases")
        XCTAssertTrue(spec("<2").contains(v("1.26.4")))
        XCTAssertTrue(spec("==2.1").contains(v("2.1.0+local")))
        XCTAssertFalse(spec("==2.1.0").contains(v("2.1.1")))
        XCTAssertTrue(spec(">1.0,<=1.5,!=1.3").contains(v("1.5")))
        XCTAssertFalse(spec(">1.0,<=1.5,!=1.3").contains(v("1.3")))
    }

    func testSpecifierIntersections() {
        func sets(_ a: String, _ b: String) -> SpecifierSet { spec(a).intersection(spec(b)) }
        XCTAssertFalse(sets("<2", ">=2.0").isSatisfiable)
        XCTAssertTrue(sets("<2", ">=1.24").isSatisfiable)
        XCTAssertFalse(sets("==1.0", "==1.1").isSatisfiable)
        XCTAssertFalse(sets("==1.2.*", ">=1.3").isSatisfiable)
        XCTAssertTrue(sets("~=1.4", "<1.5").isSatisfiable)
        XCTAssertFalse(sets("~=1.4.2", ">=1.5").isSatisfiable)
        XCTAssertFalse(sets("==1.0", "!=1.0").isSatisfiable)
        XCTAssertTrue(sets(">1.0", "<=1.0.1").isSatisfiable)
        XCTAssertFalse(sets(">1.0", "<1.0").isSatisfiable)
        XCTAssertFalse(sets("<=1.0", ">1.0").isSatisfiable)
        // Epochs stay on the bounds that wildcards, `~=` and `<` compute (`1!2.*` is not `2.*`).
        XCTAssertTrue(sets("~=1!2.0", "!=5").isSatisfiable)
        XCTAssertTrue(sets("==1!2.*", ">=1!2.1").isSatisfiable)
        XCTAssertFalse(sets("==1!2.*", "<1!2").isSatisfiable)
        XCTAssertFalse(sets("==1!2.*", "==2.5").isSatisfiable)
        XCTAssertTrue(sets("<1!2", ">=1!1.5").isSatisfiable)
    }

    func testEpochsInSpecifiers() {
        XCTAssertTrue(spec("~=1!2.0").isSatisfiable)
        XCTAssertTrue(spec("~=1!2.0").contains(v("1!2.5")))
        XCTAssertFalse(spec("~=1!2.0").contains(v("2.5")), "no epoch is epoch 0, below 1!")
        XCTAssertTrue(spec("==1!2.*").contains(v("1!2.3")))
        XCTAssertFalse(spec("==1!2.*").contains(v("2.3")))
        XCTAssertTrue(spec("!=1!2.*").contains(v("2.3")))
        XCTAssertFalse(spec("<1!2").contains(v("1!2.0rc1")))
        XCTAssertTrue(spec("<1!2").contains(v("5.0")), "every epoch-0 version is below 1!2")
    }

    /// Which release lines a specifier set admits (`SpecifierSet.admits`) and whether all it
    /// admits lies in some lines (`isWithin`), as CompanionRule asks of torchvision ranges.
    func testLinesASetAdmitsAndLiesWithin() {
        func lines(_ text: String, among candidates: ClosedRange<Int> = 18...24) -> [Int] {
            candidates.filter { spec(text).admits(.prefix([0, $0])) }
        }
        XCTAssertEqual(lines(">=0.21,<0.23"), [21, 22])
        XCTAssertEqual(lines("~=0.21.0"), [21], "~=0.21.0 is >=0.21.0,==0.21.*")
        XCTAssertEqual(lines("~=0.21"), [21, 22, 23, 24], "~=0.21 is >=0.21,==0.*")
        XCTAssertEqual(lines("==0.21.*"), [21])
        XCTAssertEqual(lines("==0.21.3"), [21])
        XCTAssertEqual(lines("!=0.21.*,>=0.20,<0.23"), [20, 22])
        XCTAssertEqual(lines("!=0.21.0,>=0.21,<0.22"), [21], "0.21.1 is left")
        // PEP 440: `<0.22` excludes 0.22's pre-releases, unless the bound is itself one.
        XCTAssertEqual(lines("<0.22,>=0.20"), [20, 21])
        XCTAssertEqual(lines("<0.22rc1,>=0.20"), [20, 21, 22], "0.22.dev0 and 0.22a1 are below 0.22rc1")
        XCTAssertEqual(lines("<=0.21,>=0.20"), [20, 21])
        XCTAssertEqual(lines(">0.21,<0.23"), [21, 22], "0.21.1 is above 0.21")
        XCTAssertEqual(lines(">=0.21.0rc1,<=0.21.0rc2"), [21], "0.21's own pre-releases")
        XCTAssertEqual(lines(">=0.21.0rc1,<0.21.0"), [], "`<0.21.0` excludes 0.21.0's pre-releases too")
        XCTAssertEqual(lines(">=1!0.1"), [], "every epoch-0 version is below 1!0.1")
        XCTAssertEqual(lines("<0.18"), [])

        let known = (5...29).map { VersionInterval.prefix([0, $0]) }
        XCTAssertTrue(spec(">=0.21,<0.23").isWithin(known))
        XCTAssertTrue(spec(">=0.21,<0.23").isWithin([.prefix([0, 22]), .prefix([0, 21])]), "in any order")
        XCTAssertFalse(spec(">=0.21,<0.23").isWithin([.prefix([0, 21])]))
        XCTAssertTrue(spec(">=0.21.0,<=0.29.7").isWithin(known))
        XCTAssertTrue(spec("==0.21.1").isWithin(known))
        XCTAssertTrue(spec("~=0.21.0").isWithin(known))
        XCTAssertFalse(spec(">=0.21").isWithin(known), "no upper bound: later lines")
        XCTAssertFalse(spec("<0.20").isWithin(known), "no lower bound: earlier lines")
        XCTAssertFalse(spec("~=0.21").isWithin(known), "0.30 and later")
        XCTAssertFalse(spec(">=0.20,<0.23").isWithin([.prefix([0, 20]), .prefix([0, 22])]), "a line missing")
        XCTAssertFalse(spec(">=0.21,<1!0.23").isWithin(known), "epoch 1 is above every epoch-0 line")
        XCTAssertTrue(spec(">=0.21,<0.23,<0.1").isWithin([]), "a set that admits nothing")
        // Single releases (jax): a point lies in its own point only.
        let release = VersionInterval(
            lower: .init(v("0.4.30"), inclusive: true), upper: .init(v("0.4.30"), inclusive: true))
        XCTAssertTrue(spec("==0.4.30").isWithin([release]))
        XCTAssertFalse(spec(">=0.4.30,<0.4.31").isWithin([release]))
        // Intervals that meet only where one is closed join: [1, 2) and [2, 3] do, [1, 2) and (2, 3] do not.
        let low = VersionInterval(lower: .init(v("1"), inclusive: true), upper: .init(v("2"), inclusive: false))
        let high = VersionInterval(lower: .init(v("2"), inclusive: true), upper: .init(v("3"), inclusive: true))
        var open = high
        open.lower?.inclusive = false
        XCTAssertTrue(spec(">=1,<=3").isWithin([high, low]))
        XCTAssertFalse(spec(">=1,<=3").isWithin([low, open]), "2 itself is in neither")
        XCTAssertTrue(spec(">=1,<2").isWithin([low, open]))
        XCTAssertFalse(spec(">=1,<=2").isWithin([low, open]))
    }

    func testDottedVersions() {
        let driver = DottedVersion("535.129.03")!
        XCTAssertGreaterThan(driver, DottedVersion("535.104.05")!)
        XCTAssertLessThan(driver, DottedVersion("545")!)
        XCTAssertEqual(driver.description, "535.129.03")
        XCTAssertEqual(DottedVersion("12.2")!, DottedVersion("12.2.0")!)
        XCTAssertTrue(DottedVersion("12.2.2")!.starts(with: DottedVersion("12.2")!))
        XCTAssertEqual(DottedVersion("12.2.2")!.prefix(2).description, "12.2")
        XCTAssertNil(DottedVersion("12.x"))
        XCTAssertNil(DottedVersion(""))
    }
}
