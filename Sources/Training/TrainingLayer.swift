import CKernels
import Inference

/// One transformer block's projections (with their LoRA pairs) and norms, and its
/// forward and backward passes over one sequence:
///
///     x2  = x + o(attention(rope(q(n1)), rope(k(n1)), v(n1))),   n1 = rmsNorm(x)
///     out = x2 + down(silu(gate(n2)) · up(n2)),                   n2 = rmsNorm(x2)
///
/// The forward keeps what the backward needs in `TrainingActivations`; the backward
/// recomputes nothing itself (the caller re-runs the forward of a block before its
/// backward, so only the blocks' inputs are stored across the whole pass).
struct TrainingLayer {
    let attentionNorm: [Float]
    let query, key, value, output: LoRALinear
    let feedForwardNorm: [Float]
    let gate, up, down: LoRALinear

    /// out = block(x) for `tokens` rows, filling `state` with the intermediates.
    func forward(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, state: TrainingActivations) {
        let shape = state.shape, tokens = state.tokens, pool = state.pool
        let embedding = shape.embedding
        // Attention: n1 = rmsNorm(x); q, k, v; RoPE on q and k; causal GQA; o.
        ck_rms_norm(x, attentionNorm, state.normalized1.pointer, Int64(tokens), Int64(embedding), shape.epsilon)
        query.forward(state.normalized1.pointer, tokens: tokens, into: state.q.pointer, ax: state.axQuery.pointer, pool: pool)
        key.forward(state.normalized1.pointer, tokens: tokens, into: state.k.pointer, ax: state.axKey.pointer, pool: pool)
        value.forward(state.normalized1.pointer, tokens: tokens, into: state.v.pointer, ax: state.axValue.pointer, pool: pool)
        state.rotate(state.q.pointer, heads: shape.heads, sign: 1)
        state.rotate(state.k.pointer, heads: shape.keyValueHeads, sign: 1)
        pool.run {
            ck_pool_attention_forward(
                $0, state.q.pointer, state.k.pointer, state.v.pointer, Int64(tokens), Int64(shape.heads),
                Int64(shape.keyValueHeads), Int64(shape.headDimension), shape.attentionScale, state.attention.pointer,
                state.logSumExp.pointer)
        }
        output.forward(state.attention.pointer, tokens: tokens, into: state.projected.pointer, ax: state.axOutput.pointer, pool: pool)
        // x2 = x + o.
        let x2 = state.residual2.pointer
        for i in 0..<(tokens * embedding) { x2[i] = x[i] + state.projected.pointer[i] }

        // Feed-forward: n2 = rmsNorm(x2); h = silu(gate(n2)) · up(n2); out = x2 + down(h).
        ck_rms_norm(x2, feedForwardNorm, state.normalized2.pointer, Int64(tokens), Int64(embedding), shape.epsilon)
        gate.forward(state.normalized2.pointer, tokens: tokens, into: state.gate.pointer, ax: state.axGate.pointer, pool: pool)
        up.forward(state.normalized2.pointer, tokens: tokens, into: state.up.pointer, ax: state.axUp.pointer, pool: pool)
        let hidden = tokens * shape.feedForward
        state.hidden.pointer.update(from: state.gate.pointer, count: hidden)
        ck_swiglu(state.hidden.pointer, state.up.pointer, Int64(hidden))
        down.forward(state.hidden.pointer, tokens: tokens, into: state.projected.pointer, ax: state.axDown.pointer, pool: pool)
        for i in 0..<(tokens * embedding) { out[i] = x2[i] + state.projected.pointer[i] }
    }

    /// Given ∂L/∂out in `gradient`, replaces it with ∂L/∂x and adds the LoRA gradients.
    /// `x` and `state` must be this block's forward input and intermediates.
    func backward(_ x: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, state: TrainingActivations) {
        let shape = state.shape, tokens = state.tokens, pool = state.pool
        let embedding = shape.embedding, hidden = tokens * shape.feedForward
        let scratch = state.scratch.pointer

        // Feed-forward, back to front: down, SwiGLU, gate and up, the norm.
        state.dHidden.zero(hidden)
        down.backward(gradient, x: state.hidden.pointer, ax: state.axDown.pointer, tokens: tokens, dx: state.dHidden.pointer,
                      dax: scratch, pool: pool)
        ck_swiglu_backward(state.gate.pointer, state.up.pointer, state.dHidden.pointer, state.dGate.pointer, state.dUp.pointer,
                           Int64(hidden))
        state.dNormalized.zero(tokens * embedding)
        gate.backward(state.dGate.pointer, x: state.normalized2.pointer, ax: state.axGate.pointer, tokens: tokens,
                      dx: state.dNormalized.pointer, dax: scratch, pool: pool)
        up.backward(state.dUp.pointer, x: state.normalized2.pointer, ax: state.axUp.pointer, tokens: tokens,
                    dx: state.dNormalized.pointer, dax: scratch, pool: pool)
        // The residual passes the gradient through; the norm adds its part: now ∂L/∂x2.
        ck_rms_norm_backward(state.residual2.pointer, feedForwardNorm, state.dNormalized.pointer, gradient, Int64(tokens),
                             Int64(embedding), shape.epsilon)

        // Attention, back to front: o, attention, RoPE, q, k, v, the norm.
        state.dAttention.zero(tokens * shape.queryWidth)
        output.backward(gradient, x: state.attention.pointer, ax: state.axOutput.pointer, tokens: tokens,
                        dx: state.dAttention.pointer, dax: scratch, pool: pool)
        pool.run {
            ck_pool_attention_backward(
                $0, state.q.pointer, state.k.pointer, state.v.pointer, state.attention.pointer, state.logSumExp.pointer,
                state.dAttention.pointer, Int64(tokens), Int64(shape.heads), Int64(shape.keyValueHeads),
                Int64(shape.headDimension), shape.attentionScale, state.dQuery.pointer, state.dKey.pointer,
                state.dValue.pointer)
        }
        // RoPE is a rotation: its backward rotates the gradient back.
        state.rotate(state.dQuery.pointer, heads: shape.heads, sign: -1)
        state.rotate(state.dKey.pointer, heads: shape.keyValueHeads, sign: -1)
        state.dNormalized.zero(tokens * embedding)
        query.backward(state.dQuery.pointer, x: state.normalized1.pointer, ax: state.axQuery.pointer, tokens: tokens,
                       dx: state.dNormalized.pointer, dax: scratch, pool: pool)
        key.backward(state.dKey.pointer, x: state.normalized1.pointer, ax: state.axKey.pointer, tokens: tokens,
                     dx: state.dNormalized.pointer, dax: scratch, pool: pool)
        value.backward(state.dValue.pointer, x: state.normalized1.pointer, ax: state.axValue.pointer, tokens: tokens,
                       dx: state.dNormalized.pointer, dax: scratch, pool: pool)
        ck_rms_norm_backward(x, attentionNorm, state.dNormalized.pointer, gradient, Int64(tokens), Int64(embedding),
                             shape.epsilon)
    }
}

/// The widths of the model that the passes use.
struct TrainingShape {
    let embedding, feedForward, heads, keyValueHeads, headDimension, ropeDimensions, rank, vocabulary: Int
    let epsilon: Float
    let attentionScale: Float
    let interleavedRoPE: Bool

    var queryWidth: Int { heads * headDimension }
    var keyValueWidth: Int { keyValueHeads * headDimension }
}

/// The intermediates of one block's forward pass over a sequence, and the gradient
/// buffers of its backward pass: (tokens, width) rows each, reused block after block.
final class TrainingActivations {
    let shape: TrainingShape
    let tokens: Int
    let pool: KernelPool
    /// RoPE's (tokens, ropeDimensions / 2) cosines and sines.
    let cosines, sines: [Float]

    let normalized1, q, k, v, attention, logSumExp, projected, residual2, normalized2, gate, up, hidden: FloatBuffer
    let axQuery, axKey, axValue, axOutput, axGate, axUp, axDown: FloatBuffer
    let dHidden, dGate, dUp, dNormalized, dAttention, dQuery, dKey, dValue, scratch: FloatBuffer

    init(shape: TrainingShape, tokens: Int, pool: KernelPool, rope: (cosines: [Float], sines: [Float])) {
        self.shape = shape
        self.tokens = tokens
        self.pool = pool
        (cosines, sines) = rope
        let (e, f, qw, kw, r) = (tokens * shape.embedding, tokens * shape.feedForward, tokens * shape.queryWidth,
                                 tokens * shape.keyValueWidth, tokens * max(1, shape.rank))
        normalized1 = FloatBuffer(e)
        q = FloatBuffer(qw)
        k = FloatBuffer(kw)
        v = FloatBuffer(kw)
        attention = FloatBuffer(qw)
        logSumExp = FloatBuffer(tokens * shape.heads)
        projected = FloatBuffer(e)
        residual2 = FloatBuffer(e)
        normalized2 = FloatBuffer(e)
        gate = FloatBuffer(f)
        up = FloatBuffer(f)
        hidden = FloatBuffer(f)
        (axQuery, axKey, axValue, axOutput) = (FloatBuffer(r), FloatBuffer(r), FloatBuffer(r), FloatBuffer(r))
        (axGate, axUp, axDown) = (FloatBuffer(r), FloatBuffer(r), FloatBuffer(r))
        (dHidden, dGate, dUp) = (FloatBuffer(f), FloatBuffer(f), FloatBuffer(f))
        dNormalized = FloatBuffer(e)
        dAttention = FloatBuffer(qw)
        (dQuery, dKey, dValue) = (FloatBuffer(qw), FloatBuffer(kw), FloatBuffer(kw))
        scratch = FloatBuffer(r)
    }

    /// Rotates every head of every row by its position's angles (sign 1), or back (−1).
    func rotate(_ x: UnsafeMutablePointer<Float>, heads: Int, sign: Float) {
        ck_rope_rotate(x, cosines, sines, Int64(tokens), Int64(heads), Int64(shape.headDimension),
                       Int64(shape.ropeDimensions), shape.interleavedRoPE ? 1 : 0, sign)
    }
}
