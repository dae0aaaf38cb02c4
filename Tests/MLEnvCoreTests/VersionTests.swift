import XCTest

@testable import MLEnvCore

final class VersionTests: XCTestCase {
    func v(_ text: String) -> PEP440Version { PEP440Version(text)! }

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
        func spec(_ text: String) -> SpecifierSet {
            guard case .success(let requirement) = RequirementParser.parse("x" + text) else {
                XCTFail(text)
                return SpecifierSet([])
            }
            return requirement.specifiers
        }
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
        func sets(_ a: String, _ b: String) -> SpecifierSet {
            guard case .success(let x) = RequirementParser.parse("p" + a),
                case .success(let y) = RequirementParser.parse("p" + b)
            else {
                XCTFail("\(a) \(b)")
                return SpecifierSet([])
            }
            return x.specifiers.intersection(y.specifiers)
        }
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
        func spec(_ text: String) -> SpecifierSet {
            guard case .success(let requirement) = RequirementParser.parse("x" + text) else {
                XCTFail(text)
                return SpecifierSet([])
            }
            return requirement.specifiers
        }
        XCTAssertTrue(spec("~=1!2.0").isSatisfiable)
        XCTAssertTrue(spec("~=1!2.0").contains(v("1!2.5")))
        XCTAssertFalse(spec("~=1!2.0").contains(v("2.5")), "no epoch is epoch 0, below 1!")
        XCTAssertTrue(spec("==1!2.*").contains(v("1!2.3")))
        XCTAssertFalse(spec("==1!2.*").contains(v("2.3")))
        XCTAssertTrue(spec("!=1!2.*").contains(v("2.3")))
        XCTAssertFalse(spec("<1!2").contains(v("1!2.0rc1")))
        XCTAssertTrue(spec("<1!2").contains(v("5.0")), "every epoch-0 version is below 1!2")
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
