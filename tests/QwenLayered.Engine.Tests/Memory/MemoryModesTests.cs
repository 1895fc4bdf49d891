using QwenLayered.Engine.Memory;
using QwenLayered.Engine.QwenVL.Language;

namespace QwenLayered.Engine.Tests.Memory;

public class MemoryModesTests
{
    [Theory]
    [InlineData("resident", MemoryMode.Resident)]
    [InlineData("text-offload", MemoryMode.TextOffload)]
    [InlineData("Quantized", MemoryMode.Quantized)]
    [InlineData(" streamed ", MemoryMode.Streamed)]
    [InlineData("", MemoryMode.Resident)]
    [InlineData(null, MemoryMode.Resident)]
    public void Parse_KnownNameOrNone_GivesTheMode(string? name, MemoryMode expected) => Assert.Equal(expected, MemoryModes.Parse(name));

    [Fact]
    public void Parse_UnknownName_SaysWhichNamesExist()
    {
        var error = Assert.Throws<ArgumentException>(() => MemoryModes.Parse("int4"));

        Assert.Equal("Unknown memory mode 'int4'. Use resident, text-offload, quantized or streamed.", error.Message);
    }

    [Theory]
    [InlineData(MemoryMode.Resident, TextEncoderResidency.KeepOnDevice, TextEncoderResidency.KeepOnDevice)]
    [InlineData(MemoryMode.Resident, TextEncoderResidency.Unload, TextEncoderResidency.Unload)]
    [InlineData(MemoryMode.TextOffload, TextEncoderResidency.KeepOnDevice, TextEncoderResidency.MoveToCpu)]
    [InlineData(MemoryMode.Quantized, TextEncoderResidency.KeepOnDevice, TextEncoderResidency.MoveToCpu)]
    [InlineData(MemoryMode.Streamed, TextEncoderResidency.Unload, TextEncoderResidency.Unload)]
    public void TextEncoder_OutsideTheResidentMode_LeavesTheDevice(MemoryMode mode, TextEncoderResidency configured, TextEncoderResidency expected) =>
        Assert.Equal(expected, mode.TextEncoder(configured));
}
