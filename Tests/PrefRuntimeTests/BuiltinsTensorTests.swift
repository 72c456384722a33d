import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime
import _PrefTestSupport

@Suite("builtins: tensors") struct BuiltinsTensorTests {
    @Test func tensorLiterals() throws {
        let t = try Pref.tensor("tensor([[1, 2, 3], [4, 5, 6]])")
        #expect(t.shape == [2, 3] && t.dtype == .f32 && t.scalars == [1, 2, 3, 4, 5, 6])
        let s = try Pref.tensor("tensor(0.5, dtype: \"f64\")")
        #expect(s.shape == .scalar && s.dtype == .f64 && s.scalars == [0.5])
        #expect(try Pref.tensor("tensor([])").shape == [0])
        #expect(try Pref.tensor("tensor([[], []])").shape == [2, 0])
        #expect(try Pref.tensor("tensor([true, false])").scalars == [1, 0])
        // Tensors inside lists are stacked, as numpy.array does.
        let stacked = try Pref.tensor("tensor([ones([2]), zeros([2])])")
        #expect(stacked.shape == [2, 2] && stacked.scalars == [1, 1, 0, 0])
        #expect(try Pref.tensor("tensor(tensor([1, 2]), dtype: \"f64\")").dtype == .f64)
    }

    @Test func raggedAndInvalidLiteralsAreErrors() {
        let e = Pref.failure("tensor([[1, 2], [3]])")
        #expect(e?.message == "tensor(): ragged nested list: item [1] has 1 element, expected 2")
        #expect(e?.hint == "every row at one depth must have the same length")
        #expect(Pref.failure("tensor([[1, 2], 3])")?.message == "tensor(): ragged nested list: item [1] is a number, expected a list of 2")
        #expect(Pref.failure("tensor([1, [2]])")?.message == "tensor(): ragged nested list: item [1] is a list, expected a number")
        #expect(Pref.failure("tensor([[1], [\"a\"]])")?.message == "tensor(): item [1][0] is a string; tensors hold numbers")
        #expect(Pref.failure("tensor(\"a\")")?.message == "tensor(): expected a number or nested lists of numbers, got string")
        #expect(Pref.failure("tensor([[[[[[[1]]]]]]])")?.message == "tensor(): the list is nested more than 6 deep")
    }

    @Test func filledTensorsRangesAndIdentity() throws {
        let z = try Pref.tensor("zeros([2, 3], dtype: \"f64\")")
        #expect(z.shape == [2, 3] && z.dtype == .f64 && z.scalars.allSatisfy { $0 == 0 })
        #expect(try Pref.tensor("zeros(4)").shape == [4])
        #expect(try Pref.tensor("zeros([])").shape == .scalar)
        #expect(try Pref.tensor("ones([3])").scalars == [1, 1, 1])
        #expect(try Pref.tensor("full([2, 2], 0.5)").scalars == [0.5, 0.5, 0.5, 0.5])
        #expect(try Pref.tensor("eye(3)").scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(try Pref.tensor("arange(4)").scalars == [0, 1, 2, 3])
        #expect(try Pref.tensor("arange(1, 2, 0.25)").scalars == [1, 1.25, 1.5, 1.75])
        #expect(try Pref.tensor("arange(5, 0, -2)").scalars == [5, 3, 1])
        #expect(try Pref.tensor("linspace(0, 1, 5)").scalars == [0, 0.25, 0.5, 0.75, 1])
        #expect(try Pref.tensor("linspace(-1, 1, 1)").scalars == [-1])
        #expect(try Pref.tensor("linspace(0.1, 0.7, 3, dtype: \"f64\")").scalars.last == 0.7)
    }

    @Test func reductionsGiveNumbersOverAllElementsAndTensorsAlongAnAxis() throws {
        let m = "tensor([[1, 2], [3, 6]], dtype: \"f64\")"
        #expect(try Pref.number("mean(\(m))") == 3)
        #expect(try Pref.tensor("mean(\(m), axis: 1)").scalars == [1.5, 4.5])
        #expect(try Pref.tensor("mean(\(m), axis: 0, keepdims: true)").shape == [1, 2])
        #expect(try Pref.number("mean([1, 2, 6])") == 3)
        #expect(isClose(try Pref.number("logsumexp(tensor([0, 0], dtype: \"f64\"))"), Foundation.log(2.0), rel: 1e-15))
        // Stable: no overflow for large entries.
        #expect(isClose(try Pref.number("logsumexp(tensor([1000, 1000], dtype: \"f64\"))"), 1000 + Foundation.log(2.0), rel: 1e-15))
        #expect(try Pref.number("argmax(\(m))") == 3)
        #expect(try Pref.number("argmax([3, 9, 9, 1])") == 1)
        #expect(try Pref.number("argmin([3, 1, 1, 2])") == 1)
        let a = try Pref.tensor("argmax(tensor([[1, 5], [7, 2]]), axis: 1)")
        #expect(a.shape == [2] && a.scalars == [1, 0])
        #expect(try Pref.tensor("argmin(tensor([[1, 5], [7, 2]]), axis: 0)").scalars == [0, 1])
        #expect(Pref.failure("mean([])")?.message == "mean(): the list is empty")
    }

    @Test func softmaxSumsToOneAlongItsAxis() throws {
        let p = try Pref.tensor("softmax(tensor([[1, 2, 3], [-5, 0, 700]], dtype: \"f64\"))")
        #expect(p.shape == [2, 3])
        let v = p.scalars
        #expect(isClose(v[0] + v[1] + v[2], 1, rel: 1e-15) && isClose(v[3] + v[4] + v[5], 1, rel: 1e-15))
        #expect(isClose(v[0], Foundation.exp(1.0) / (Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)), rel: 1e-14))
        #expect(v[5] == 1)
        let cols = try Pref.tensor("sum(softmax(tensor([[1, 2], [3, 4]], dtype: \"f64\"), axis: 0), axis: 0)")
        #expect(cols.scalars.allSatisfy { isClose($0, 1, rel: 1e-15) })
        let logp = try Pref.tensor("log_softmax(tensor([1, 2, 3], dtype: \"f64\"))").scalars
        let lse = Foundation.log(Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0))
        #expect(maxRelativeError(logp, [1 - lse, 2 - lse, 3 - lse]) < 1e-14)
    }

    @Test func layoutOps() throws {
        let t = "tensor([[1, 2], [3, 4]])"
        #expect(try Pref.tensor("matmul(\(t), \(t))").scalars == [7, 10, 15, 22])
        #expect(try Pref.tensor("matmul([[1, 2]], [[3], [4]])").scalars == [11])
        #expect(try Pref.tensor("transpose(\(t))").scalars == [1, 3, 2, 4])
        #expect(try Pref.tensor("transpose(ones([2, 3, 4]), [0, 2, 1])").shape == [2, 4, 3])
        let r = try Pref.tensor("reshape(arange(6), [2, -1])")
        #expect(r.shape == [2, 3] && r.scalars == [0, 1, 2, 3, 4, 5])
        #expect(try Pref.tensor("concat([\(t), tensor([[5, 6]])])").scalars == [1, 2, 3, 4, 5, 6])
        #expect(try Pref.tensor("concat([\(t), \(t)], axis: 1)").shape == [2, 4])
        let s = try Pref.tensor("stack([ones([3]), zeros([3])], axis: 1)")
        #expect(s.shape == [3, 2] && s.scalars == [1, 0, 1, 0, 1, 0])
        #expect(try Pref.tensor("gather(tensor([10, 20, 30]), [2, 0, -1])").scalars == [30, 10, 30])
        #expect(try Pref.tensor("gather(\(t), 1, axis: 1)").scalars == [2, 4])
        #expect(try Pref.tensor("take_along_axis(\(t), [[1], [0]], axis: 1)").scalars == [2, 3])
        let h = try Pref.tensor("one_hot([0, 2], 3, dtype: \"f64\")")
        #expect(h.shape == [2, 3] && h.dtype == .f64 && h.scalars == [1, 0, 0, 0, 0, 1])
        #expect(try Pref.tensor("where(\(t) > 2, \(t), 0)").scalars == [0, 0, 3, 4])
        #expect(try Pref.tensor("where(tensor([1, 0], dtype: \"f64\"), 1, 2)").scalars == [1, 2])
        #expect(try Pref.number("where(false, 1, 2)") == 2)
    }

    @Test func conversions() throws {
        #expect(try Pref.number("item(tensor([[2.5]]))") == 2.5)
        #expect(try Pref.number("item(3)") == 3)
        #expect(try Pref.repr("to_list(tensor([[1, 2], [3, 4]]))") == "[[1, 2], [3, 4]]")
        #expect(try Pref.repr("to_list(tensor(7))") == "7")
        #expect(try Pref.repr("shape(zeros([2, 3]))") == "[2, 3]")
        #expect(try Pref.repr("shape(1)") == "[]")
        #expect(try Pref.repr("shape([[1, 2, 3]])") == "[1, 3]")
        let c = try Pref.tensor("astype(tensor([0.1]), \"f64\")")
        #expect(c.dtype == .f64 && c.scalars == [Double(Float(0.1))])
        #expect(Pref.failure("item(ones([3]))")?.message == "item: tensor of shape [3] has 3 elements, not 1")
        let e = Pref.failure("astype(ones(1), \"int\")")
        #expect(e?.message == "astype(): unknown dtype \"int\"" && e?.hint == "dtypes are \"f32\" and \"f64\"")
        #expect(Pref.failure("zeros(2, dtype: \"f63\")")?.hint == "did you mean \"f64\"?")
    }

    @Test func randomTensorsAreReproducible() throws {
        // A seed names its own stream: the same draws every time, the documented stream.
        let a = try Pref.tensor("randn([5], seed: 3)").scalars
        #expect(try Pref.tensor("randn([5], seed: 3)").scalars == a)
        var stream = RandomStream(seed: 3, stream: "randn")
        #expect(stream.normalTensor([5]).scalars == a)
        #expect(try Pref.tensor("randn([5], seed: 4)").scalars != a)
        let u = try Pref.tensor("rand([1000], seed: 1, dtype: \"f64\")").scalars
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 } && abs(u.reduce(0, +) / 1000 - 0.5) < 0.05)
        // Unseeded: successive calls differ, the same session seed repeats the sequence, and
        // seeded calls in between do not shift it.
        let program = "[to_list(randn([3])), to_list(randn([3]))]"
        let first = try Pref.numbers(program, in: Pref.session(seed: 9))
        #expect(Array(first[0..<3]) != Array(first[3..<6]))
        #expect(try Pref.numbers(program, in: Pref.session(seed: 9)) == first)
        #expect(try Pref.numbers(program, in: Pref.session(seed: 10)) != first)
        let interleaved = "[to_list(randn([3])), to_list(randn([2], seed: 1)), to_list(randn([3]))]"
        let withSeeded = try Pref.numbers(interleaved, in: Pref.session(seed: 9))
        #expect(Array(withSeeded[0..<3]) + Array(withSeeded[5..<8]) == first)
        let n = try Pref.tensor("randn([20000], seed: 5, dtype: \"f64\")").scalars
        let mean = n.reduce(0, +) / 20000, variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }

    @Test func shapeAndSizeErrors() {
        let mm = Pref.failure("matmul(ones([2, 3]), ones([4, 5]))")
        #expect(mm?.message.contains("[2, 3] and [4, 5]") == true, "\(String(describing: mm?.message))")
        #expect(Pref.failure("concat([ones([2, 3]), ones([2, 4])])")?.message == "concat: shapes differ outside axis 0: [2, 3] and [2, 4]")
        #expect(Pref.failure("where(ones([2]), ones([3]), 0)")?.message == "where: shapes do not broadcast: [2] and [3]")
        #expect(Pref.failure("reshape(ones([6]), [4, -1])")?.message == "reshape: cannot infer the -1 dimension of [4, -1] for shape [6]")
        #expect(Pref.failure("zeros([100000, 100000])")?.message
                == "zeros(): shape [100000, 100000] has 10000000000 elements, more than the limit of 268435456")
        #expect(Pref.failure("zeros([-1])")?.message == "zeros: negative dimension -1 in [-1]")
        #expect(Pref.failure("zeros([1.5])")?.message == "zeros(): shape entry 0 must be a whole number, got 1.5")
        #expect(Pref.failure("eye(1e5)") != nil)
        #expect(Pref.failure("one_hot([1, 2], 1e10)") != nil)
        #expect(Pref.failure("gather(tensor([1, 2]), [5])")?.message == "gather: index 5 is out of range for an axis of size 2")
        #expect(Pref.failure("gather(tensor([1, 2]), [0.5])")?.message == "indices: index 0.5 is not an integer in range")
        #expect(Pref.failure("stack([])")?.message == "stack(): the list is empty; there is nothing to stack")
        #expect(Pref.failure("concat([ones(2), \"a\"])")?.message == "concat(): item 1 is a string, expected a tensor")
        #expect(Pref.failure("softmax(ones([2]), axis: 1)")?.message == "softmax: axis 1 is out of range for a tensor of shape [2]")
        #expect(Pref.failure("randn([2], seed: -1)")?.message == "randn(): seed must be a whole number ≥ 0, got -1")
        #expect(Pref.failure("arange(0, 1e12)") != nil)
        #expect(Pref.failure("tensor([1], dtype: \"f32\") + tensor([1], dtype: \"f64\")") != nil)
    }
}
