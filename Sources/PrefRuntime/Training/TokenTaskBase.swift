import PrefCore
import PrefLanguage
import PrefLearn

/// What the token-policy tasks share: the policy, its world, the loss and the reference — a
/// frozen copy of the policy as built (a resumed run restores the checkpoint's values into it).
class TokenTaskBase {
    let policy: TokenPolicy
    let world: ToyWorld
    let loss: LossObject
    let interpreter: Interpreter
    let reference: TokenPolicy

    init(policy o: TokenPolicyObject, loss: LossObject, interpreter: Interpreter) {
        policy = o.policy
        world = o.world
        self.loss = loss
        self.interpreter = interpreter
        reference = o.initial.frozen()
    }

    var parameters: [PrefCore.Parameter] { policy.parameters }
    var frozenParameters: [PrefCore.Parameter] { reference.parameters }
}
