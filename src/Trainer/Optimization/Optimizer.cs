using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Optimization;

/// <summary>
/// SGD (momentum, Nesterov; coupled weight decay) and AdamW (decoupled weight decay), written out so their
/// state is plain named tensors that checkpoints save and restore exactly. The schedule sets the learning rate
/// and the momentum (SGD) or β1 (AdamW) before every step.
/// </summary>
public sealed class Optimizer : IDisposable
{
    private readonly IReadOnlyList<ParameterGroup> _groups;
    private readonly Dictionary<string, Tensor> _state = [];
    private readonly string _kind;
    private readonly bool _nesterov;
    private readonly double _weightDecay;
    private readonly double _beta2;

    public Optimizer(string kind, IReadOnlyList<ParameterGroup> groups, double weightDecay, bool nesterov, double beta2)
    {
        _kind = kind;
        _groups = groups;
        _weightDecay = weightDecay;
        _nesterov = nesterov;
        _beta2 = beta2;
    }

    public long StepCount { get; set; }

    public IReadOnlyDictionary<string, Tensor> State => _state;

    public IEnumerable<TorchSharp.Modules.Parameter> Parameters => _groups.SelectMany(g => g.Parameters.Select(p => p.Parameter));

    public void ZeroGrad()
    {
        foreach (var p in Parameters)
        {
            p.grad?.zero_();
        }
    }

    /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    public double ClipGradients(double maxNorm)
    {
        using var scope = NewDisposeScope();
        var grads = Parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0)
        {
            return 0;
        }

        var norm = stack(grads.Select(g => g.norm()).ToArray()).norm().item<float>();
        if (maxNorm > 0 && norm > maxNorm)
        {
            using var noGrad = no_grad();
            foreach (var g in grads)
            {
                g.mul_(maxNorm / (norm + 1e-6));
            }
        }

        return norm;
    }

    public void Step(double lr, double momentum)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        StepCount++;
        foreach (var group in _groups)
        {
            var glr = lr * group.LrFactor;
            foreach (var (name, p) in group.Parameters)
            {
                var grad = p.grad;
                if (grad is null)
                {
                    continue;
                }

                if (_kind == "sgd")
                {
                    var d = _weightDecay > 0 ? grad + (p * _weightDecay) : grad;
                    var buf = Buffer($"{name}.momentum", p);
                    buf.mul_(momentum).add_(d);
                    var update = _nesterov ? d + (buf * momentum) : buf;
                    p.sub_(update * glr);
                }
                else
                {
                    var m = Buffer($"{name}.exp_avg", p);
                    var v = Buffer($"{name}.exp_avg_sq", p);
                    if (_weightDecay > 0)
                    {
                        p.mul_(1 - (glr * _weightDecay));
                    }

                    m.mul_(momentum).add_(grad * (1 - momentum));
                    v.mul_(_beta2).add_(grad * grad * (1 - _beta2));
                    var mHat = m / (1 - Math.Pow(momentum, StepCount));
                    var vHat = v / (1 - Math.Pow(_beta2, StepCount));
                    p.sub_(mHat / (vHat.sqrt() + 1e-8) * glr);
                }
            }
        }
    }

    private Tensor Buffer(string key, Tensor like)
    {
        if (!_state.TryGetValue(key, out var t))
        {
            t = zeros_like(like).DetachFromDisposeScope();
            _state[key] = t;
        }

        return t;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var t in _state.Values)
        {
            t.Dispose();
        }

        _state.Clear();
        foreach (var (k, v) in state)
        {
            _state[k] = v.clone().DetachFromDisposeScope();
        }
    }

    public void Dispose()
    {
        foreach (var t in _state.Values)
        {
            t.Dispose();
        }

        _state.Clear();
    }
}
