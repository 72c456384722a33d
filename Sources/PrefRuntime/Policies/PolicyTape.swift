import PrefCore
import PrefLanguage
import PrefLearn

/// Where a policy's tensor-valued methods record: inside `grad` on its tape, with the `wrt`
/// leaves of the policy's parameter boxes (a frozen policy enters as constants); elsewhere on a
/// scratch tape that does not record, whose results are returned as plain tensors.
enum PolicyTape {
    static func leaves(_ call: BuiltinCall, _ parameters: [PrefCore.Parameter], boxes: [TensorBox], frozen: Bool) -> (Tape, [Var]?) {
        guard let context = call.context else {
            let tape = Tape()
            tape.isRecording = false
            return (tape, nil)
        }
        if frozen { return (context.tape, nil) }
        return (context.tape, zip(boxes, parameters).map { box, p in context.leaves[ObjectIdentifier(box)] ?? context.tape.parameter(p) })
    }

    /// A result of `leaves`' tape as a pref tensor: recorded inside `grad`, else its value.
    static func value(_ v: Var, call: BuiltinCall) throws -> Value {
        call.context == nil ? TensorValues.wrap(try v.value()) : TensorValues.wrap(v)
    }
}
