import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

@Suite("builtins: lists and strings") struct BuiltinsListsTests {
    @Test func sumOfListsRangesAndTensors() throws {
        #expect(try Pref.number("sum([1, 2, 3.5])") == 6.5)
        #expect(try Pref.number("sum([])") == 0)
        #expect(try Pref.number("sum([x > 1 for x in [1, 2, 3]])") == 2)
        #expect(try Pref.number("sum(0..<5)") == 10)
        #expect(try Pref.number("sum(1..4)") == 10)
        #expect(try Pref.number("sum(tensor([[1, 2], [3, 4]]))") == 10)
        #expect(try Pref.tensor("sum(tensor([[1, 2], [3, 4]]), axis: 0)").scalars == [4, 6])
        #expect(try Pref.tensor("sum(tensor([[1, 2], [3, 4]]), axis: -1, keepdims: true)").shape == [2, 1])
        #expect(try Pref.tensor("sum([tensor([1, 2]), tensor([10, 20]), 1])").scalars == [12, 23])
        #expect(Pref.failure("sum([1, \"a\"])")?.message == "sum(): item 1 is a string; sum adds numbers and tensors")
        #expect(Pref.failure("sum([1], axis: 0)")?.message == "sum(): axis and keepdims apply to tensors")
    }

    @Test func sortIsStableAndOrdersEveryComparableType() throws {
        #expect(try Pref.repr("sort([3, 1, 2])") == "[1, 2, 3]")
        #expect(try Pref.repr("sort([3, 1, 2], reverse: true)") == "[3, 2, 1]")
        #expect(try Pref.repr("sort([2, 0 / 0, 1])") == "[1, 2, nan]")
        #expect(try Pref.repr("sort([\"pear\", \"Apple\", \"fig\"])") == "[\"Apple\", \"fig\", \"pear\"]")
        #expect(try Pref.repr("sort([[2, \"b\"], [1, \"z\"], [2, \"a\"], [1]])") == "[[1], [1, \"z\"], [2, \"a\"], [2, \"b\"]]")
        #expect(try Pref.repr("sort([true, false])") == "[false, true]")
        // The prelude's sort_by sorts [key, index] pairs: stable, ties keep their order.
        #expect(try Pref.repr("sort_by([\"bb\", \"a\", \"cc\", \"d\"], fn(s) len(s))") == "[\"a\", \"d\", \"bb\", \"cc\"]")
        #expect(try Pref.repr("sort(3..0)") == "[]")
        #expect(Pref.failure("sort([1, \"a\"])")?.message.hasPrefix("sort(): cannot compare a") == true)
        #expect(Pref.failure("sort(5)")?.message == "argument 'xs' of sort() must be a list, got number")
    }

    @Test func sortOfManyNumbersMatchesSwift() throws {
        let xs = (0..<2000).map { Double(($0 * 7919) % 1009) - 500 }
        let source = "sort([" + xs.map { Value.format(number: $0) }.joined(separator: ", ") + "])"
        #expect(try Pref.numbers(source) == xs.sorted())
    }

    @Test func reversedMembershipAndSearch() throws {
        #expect(try Pref.repr("reversed([1, 2, 3])") == "[3, 2, 1]")
        #expect(try Pref.repr("reversed(\"abc\")") == "\"cba\"")
        #expect(try Pref.repr("reversed(0..<3)") == "[2, 1, 0]")
        #expect(try Pref.bool("has({a: 1}, \"a\")"))
        #expect(try !Pref.bool("has({a: 1}, \"b\")"))
        #expect(try Pref.bool("has([1, [2, 3]], [2, 3])"))
        #expect(try !Pref.bool("has([1, 2], 3)"))
        #expect(try Pref.number("count([1, 2, 1, [1]], 1)") == 2)
        #expect(try Pref.number("count(\"banana\", \"an\")") == 2)
        #expect(try Pref.number("index_of([\"a\", \"b\"], \"b\")") == 1)
        #expect(try Pref.number("index_of(\"héllo\", \"l\")") == 2)
        #expect(try Pref.repr("index_of([1], 5)") == "none")
        #expect(try Pref.repr("index_of(\"abc\", \"z\")") == "none")
        #expect(Pref.failure("has(\"abc\", \"a\")")?.hint == "use contains(s, part) for strings")
    }

    @Test func rangeBuildsListsLikePython() throws {
        #expect(try Pref.repr("range(4)") == "[0, 1, 2, 3]")
        #expect(try Pref.repr("range(2, 5)") == "[2, 3, 4]")
        #expect(try Pref.repr("range(10, 0, -3)") == "[10, 7, 4, 1]")
        #expect(try Pref.repr("range(0, 1, 0.25)") == "[0, 0.25, 0.5, 0.75]")
        #expect(try Pref.repr("range(-2)") == "[]")
        #expect(Pref.failure("range(0, 5, 0)")?.message == "range(): step cannot be 0")
        #expect(Pref.failure("range(1e12)")?.message == "range(): 1000000000000 elements is more than the limit of 10000000")
    }

    @Test func stringHelpers() throws {
        #expect(try Pref.repr("join([\"a\", \"b\", 3], \", \")") == "\"a, b, 3\"")
        #expect(try Pref.repr("join([])") == "\"\"")
        #expect(try Pref.repr("split(\"a,b,,c\", \",\")") == "[\"a\", \"b\", \"\", \"c\"]")
        #expect(try Pref.repr("split(\"  x \\t y \\n\")") == "[\"x\", \"y\"]")
        #expect(try Pref.repr("upper(\"dpo\") + lower(\"IPO\")") == "\"DPOipo\"")
        #expect(try Pref.repr("strip(\"  hi \\n\")") == "\"hi\"")
        #expect(try Pref.repr("replace(\"a-b-c\", \"-\", \"+\")") == "\"a+b+c\"")
        #expect(try Pref.bool("contains(\"reward\", \"war\")"))
        #expect(try !Pref.bool("contains(\"reward\", \"x\")"))
        #expect(try Pref.bool("contains([1, 2], 2)"))
        #expect(try Pref.bool("starts_with(\"run_1\", \"run\") and ends_with(\"data.csv\", \".csv\")"))
        #expect(Pref.failure("split(\"abc\", \"\")")?.message == "split(): the separator is empty")
        #expect(Pref.failure("upper(3)")?.message == "argument 's' of upper() must be a string, got number")
        #expect(Pref.failure("contains({a: 1}, \"a\")")?.hint == "use has(record, \"field\") for records")
    }
}
