import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime
import _PrefTestSupport

@Suite("builtins: math") struct BuiltinsMathTests {
    @Test func closedFormsOnNumbers() throws {
        #expect(try Pref.number("exp(1)") == Foundation.exp(1.0))
        #expect(try Pref.number("exp(0)") == 1)
        #expect(isClose(try Pref.number("log(exp(2))"), 2, rel: 1e-15))
        #expect(try Pref.number("log(0)") == -.infinity)
        #expect(try Pref.bool("is_nan(sqrt(-1))"))
        #expect(try Pref.number("log1p(1e-20)") == 1e-20)
        #expect(try Pref.number("sqrt(16)") == 4)
        #expect(try Pref.number("abs(-2.5)") == 2.5)
        #expect(try Pref.numbers("[sign(-3), sign(0), sign(2)]") == [-1, 0, 1])
        #expect(try Pref.number("tanh(0)") == 0)
        #expect(try Pref.numbers("[relu(-2), relu(3)]") == [0, 3])
        #expect(try Pref.output("print(exp(0), log(1), sqrt(4))") == "1 0 2\n")
    }

    @Test func stableActivationsAtTheExtremes() throws {
        #expect(try Pref.number("sigmoid(0)") == 0.5)
        #expect(try Pref.number("sigmoid(-800)") == 0)
        #expect(try Pref.number("sigmoid(800)") == 1)
        #expect(try Pref.number("log_sigmoid(-800)") == -800)
        #expect(try Pref.number("log_sigmoid(800)") == 0)
        #expect(try Pref.number("log_sigmoid(0)") == -Foundation.log(2.0))
        #expect(try Pref.number("softplus(800)") == 800)
        #expect(try Pref.number("softplus(0)") == Foundation.log(2.0))
        // The f64 tensor kernels agree with the scalar path.
        let t = try Pref.tensor("log_sigmoid(tensor([-800, 0, 800], dtype: \"f64\"))")
        #expect(t.scalars == [-800, -Foundation.log(2.0), 0])
        let s = try Pref.tensor("softplus(tensor([-800, 800], dtype: \"f64\"))")
        #expect(s.scalars == [0, 800])
    }

    @Test func elementwiseOnTensorsKeepsShapeAndDType() throws {
        let t = try Pref.tensor("exp(tensor([[0, 1]], dtype: \"f64\"))")
        #expect(t.shape == [1, 2] && t.dtype == .f64)
        #expect(t.scalars == [1, Foundation.exp(1.0)])
        let f = try Pref.tensor("sigmoid(zeros([3]))")
        #expect(f.dtype == .f32 && f.scalars == [0.5, 0.5, 0.5])
        #expect(try Pref.tensor("floor(tensor([1.5, -1.5]))").scalars == [1, -2])
        #expect(try Pref.tensor("ceil(tensor([1.2, -1.2]))").scalars == [2, -1])
        #expect(try Pref.tensor("is_nan(tensor([1, 0 / 0, 1 / 0]))").scalars == [0, 1, 0])
        #expect(try Pref.tensor("is_inf(tensor([1, 0 / 0, -1 / 0]))").scalars == [0, 0, 1])
        #expect(try Pref.tensor("abs(tensor([-2, 3]))").scalars == [2, 3])
    }

    @Test func roundsHalvesToEvenLikePython() throws {
        #expect(try Pref.numbers("[round(2.5), round(3.5), round(-2.5), round(0.5), round(1.4999)]") == [2, 4, -2, 0, 1])
        // Decided by the exact double, as Python: 2.675 is stored just below 2.675.
        #expect(try Pref.number("round(2.675, 2)") == 2.67)
        #expect(try Pref.number("round(0.375, 2)") == 0.38)
        #expect(try Pref.number("round(1.23456, 3)") == 1.235)
        #expect(try Pref.numbers("[round(1250, -2), round(1350, -2)]") == [1200, 1400])
        #expect(try Pref.number("round(-0.4)").sign == .plus)
        #expect(try Pref.tensor("round(tensor([0.5, 1.5, 2.5]))").scalars == [0, 2, 2])
    }

    @Test func minAndMaxOfNumbersListsAndTensors() throws {
        #expect(try Pref.number("max(3, 7, 5)") == 7)
        #expect(try Pref.number("min(3, 7, 5, 1)") == 1)
        #expect(try Pref.number("max(2, 9)") == 9)
        #expect(try Pref.number("max([1, 9, 4])") == 9)
        #expect(try Pref.repr("max([\"b\", \"c\", \"a\"])") == "\"c\"")
        #expect(try Pref.repr("min([[2, 1], [1, 5]])") == "[1, 5]")
        #expect(try Pref.number("max(2, 0 / 0)").isNaN)
        #expect(try Pref.number("max(tensor([[1, 9], [4, 2]]))") == 9)
        #expect(try Pref.tensor("max(tensor([[1, 9], [4, 2]]), axis: 1)").scalars == [9, 4])
        let kept = try Pref.tensor("min(tensor([[1, 9], [4, 2]]), axis: 0, keepdims: true)")
        #expect(kept.shape == [1, 2] && kept.scalars == [1, 2])
        // NumPy style: a second positional argument after a tensor is the axis.
        #expect(try Pref.tensor("max(tensor([[1, 9], [4, 2]]), 0)").scalars == [4, 9])
        // The prelude's zip relies on min of two numbers.
        #expect(try Pref.repr("zip([1, 2, 3], [4, 5])") == "[[1, 4], [2, 5]]")
    }

    @Test func minAndMaxErrors() throws {
        #expect(Pref.failure("max([])")?.message == "max(): the list is empty")
        #expect(Pref.failure("max(3)")?.message == "max(): needs a list, a tensor or at least two numbers, got one number")
        let e = Pref.failure("max(tensor([1]), tensor([2]))")
        #expect(e?.message == "max(): takes one tensor, an axis and keepdims")
        #expect(e?.hint == "use maximum(a, b) for the elementwise largest of two tensors")
        #expect(Pref.failure("min(1, tensor([2]))")?.message == "min(): cannot mix tensors with other arguments")
        #expect(Pref.failure("max([1, \"a\"])")?.message.hasPrefix("max(): cannot compare") == true)
    }

    @Test func elementwiseMaximumPowAndClamp() throws {
        #expect(try Pref.tensor("maximum(tensor([1, 5]), 3)").scalars == [3, 5])
        #expect(try Pref.tensor("minimum(3, tensor([1, 5]))").scalars == [1, 3])
        #expect(try Pref.number("maximum(2, 3)") == 3)
        #expect(try Pref.number("pow(2, 10)") == 1024)
        #expect(try Pref.tensor("pow(tensor([1, 2, 3]), 2)").scalars == [1, 4, 9])
        #expect(try Pref.tensor("pow(2, tensor([1, 2]))").scalars == [2, 4])
        #expect(try Pref.tensor("pow(tensor([2, 3]), tensor([3, 2]))").scalars == [8, 9])
        #expect(try Pref.number("clamp(1.7, 0, 1)") == 1)
        #expect(try Pref.number("clamp(-5, lo: 0)") == 0)
        #expect(try Pref.number("clamp(50, hi: 10)") == 10)
        #expect(try Pref.tensor("clamp(tensor([-1, 0.5, 2]), 0, 1)").scalars == [0, 0.5, 1])
        #expect(Pref.failure("clamp(1, 3, 2)")?.message == "clamp(): lo (3) is greater than hi (2)")
        #expect(Pref.failure("pow(\"a\", 2)")?.message == "argument 'x' of pow() must be a number or a tensor, got string")
        #expect(Pref.failure("pow(2, [1])")?.message == "argument 'y' of pow() must be a number or a tensor, got list")
    }
}
