using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// <c>time_text_embed</c> (diffusers <c>QwenTimestepProjEmbeddings</c>): sinusoid → <c>timestep_embedder</c>,
/// plus the row <c>addition_t_embedding[additional_t_cond]</c> when the config enables it (the layered model does).
/// </summary>
internal sealed class TimestepProjEmbeddings : nn.Module<Tensor, Tensor?, (Tensor Projection, Tensor Embedding)>
{
    private readonly TimestepEmbedding timestep_embedder;
    private readonly Embedding? addition_t_embedding;
    private readonly ScalarType _modelDtype;

    public TimestepProjEmbeddings(long embedDim, bool useAdditionalTCond, Device? device, ScalarType dtype) : base(nameof(TimestepProjEmbeddings))
    {
        _modelDtype = dtype;
        timestep_embedder = new TimestepEmbedding(TimestepSinusoid.Channels, embedDim, device, dtype);
        if (useAdditionalTCond)
            addition_t_embedding = nn.Embedding(2, embedDim, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>
    /// <paramref name="timestep"/> [B] already in the model dtype; <paramref name="additionalTCond"/> [B] int64 or null.
    /// Returns the fp32 sinusoid (for inspection) and the embedding [B, D] in the model dtype.
    /// </summary>
    public override (Tensor Projection, Tensor Embedding) forward(Tensor timestep, Tensor? additionalTCond)
    {
        using var scope = NewDisposeScope();
        var projection = TimestepSinusoid.Project(timestep);
        var embedding = timestep_embedder.forward(projection.to(_modelDtype));
        if (addition_t_embedding is not null)
        {
            if (additionalTCond is null)
                throw new ArgumentException("This transformer uses additional_t_cond (use_additional_t_cond); pass it.", nameof(additionalTCond));
            embedding = embedding.Plus(addition_t_embedding.forward(additionalTCond.to(ScalarType.Int64)).to(_modelDtype));
        }
        return (projection.MoveToOuterDisposeScope(), embedding.MoveToOuterDisposeScope());
    }
}
