using QwenLayered.Toolbox.Parity;

namespace QwenLayered.Engine.Tests.Vae;

/// <summary>A diffusers-style <c>vae/</c> folder built from the first <c>vae</c> fixture case: its config and weights.</summary>
internal static class FixtureVae
{
    /// <summary>Writes <c>config.json</c> and the weights into <paramref name="folder"/>; skips the test when there is no vae case.</summary>
    public static void WriteVaeFolder(string folder)
    {
        var cases = FixtureSet.Open(FixtureCases.Folder, "vae");
        if (cases.Count == 0) Assert.Skip("The fixture set has no vae case.");
        using var fixture = cases[0];
        foreach (var other in cases.Skip(1)) other.Dispose();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), fixture.Config.GetRawText());
        File.Copy(fixture.WeightsPath, Path.Combine(folder, "diffusion_pytorch_model.safetensors"));
    }
}
