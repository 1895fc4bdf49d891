using QwenLayered.Engine.QwenVL;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL;

public class GenerationSettingsTests
{
    [Fact]
    public void ForFolder_PublishedGenerationConfig_ReadsSamplingPenaltyAndStopTokens()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("generation_config.json"), """
            {"bos_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
             "repetition_penalty": 1.05, "temperature": 0.1, "top_k": 1, "top_p": 0.001}
            """);

        var settings = GenerationSettings.ForFolder(folder.Path, [151645]);

        Assert.True(settings.DoSample);
        Assert.Equal(1, settings.TopK);
        Assert.Equal(1.05, settings.RepetitionPenalty);
        Assert.Equal([151645, 151643], settings.StopTokens);
        Assert.Equal(GenerationSettings.DefaultMaxNewTokens, settings.MaxNewTokens);
    }

    [Fact]
    public void ForFolder_NoGenerationConfig_GreedyWithTheModelsEos()
    {
        using var folder = new TempFolder();

        var settings = GenerationSettings.ForFolder(folder.Path, [7]);

        Assert.False(settings.DoSample);
        Assert.Equal([7], settings.StopTokens);
    }

    [Fact]
    public void Next_RepetitionPenaltyOnTheLeader_PicksTheRunnerUp()
    {
        using var sampler = new TokenSampler(GenerationSettings.Greedy() with { RepetitionPenalty = 1.5, DoSample = true, TopK = 1 });
        using var logits = tensor(new[] { 1.0f, 3.0f, 2.5f });

        Assert.Equal(2, sampler.Next(logits, [1]));
        Assert.Equal(1, sampler.Next(logits, [0]));
    }
}
