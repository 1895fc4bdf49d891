using Microsoft.Extensions.Logging;
using QwenLayered.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Tests.Hosting;

// The plan measures activation peaks through the process's resident size: nothing else may run meanwhile.
[CollectionDefinition(nameof(MemoryPlanCheckTests), DisableParallelization = true)]
public sealed class MemoryPlanChecks;

[Collection(nameof(MemoryPlanCheckTests))]
public class MemoryPlanCheckTests
{
    private static readonly string DemoModel = Repository.PathOf("models/qwenlayered-demo");

    [Fact]
    public void Run_ModeLargerThanTheDeviceMemory_IsRefusedNamingAModeThatFits()
    {
        // The demo model in fp32: ~39 MiB of weights with its text encoder, a few MiB of activations at 64 px; quantized
        // about 30 MiB. The activations are measured in this process and move from run to run: the limit leaves room.
        var engine = new EngineOptions { Model = DemoModel, Device = "cpu", Dtype = "fp32", Memory = "resident", DeviceMemory = "36MiB" };

        var error = Assert.Throws<ServerConfigurationException>(() => MemoryPlanCheck.Run(engine, NullLogger.Instance));

        Assert.StartsWith("Memory mode resident needs ", error.Message);
        Assert.Matches("more than the 36.00 MiB of Engine:DeviceMemory: start with --memory (text-offload|quantized|streamed), which needs ", error.Message);
    }

    [Fact]
    public void Run_ModeThatFits_Starts()
    {
        var engine = new EngineOptions { Model = DemoModel, Device = "cpu", Dtype = "fp32", Memory = "streamed", DeviceMemory = "1GiB" };

        MemoryPlanCheck.Run(engine, NullLogger.Instance);
    }

    [Fact]
    public void Run_NoModeFits_SaysSo()
    {
        var engine = new EngineOptions { Model = DemoModel, Device = "cpu", Dtype = "fp32", Memory = "quantized", DeviceMemory = "1MiB" };

        var error = Assert.Throws<ServerConfigurationException>(() => MemoryPlanCheck.Run(engine, NullLogger.Instance));

        Assert.EndsWith("no memory mode fits it; use a larger device.", error.Message);
    }

    [Theory]
    [InlineData("int4", "", "Unknown memory mode 'int4'. Use resident, text-offload, quantized or streamed. (Engine:Memory, Engine:DeviceMemory)")]
    [InlineData("", "lots", "'lots' is not a memory size; write it like 24GiB, 48GB or 81920MiB. (Engine:Memory, Engine:DeviceMemory)")]
    public void Run_BadSetting_IsRefusedWithoutAModel(string memory, string deviceMemory, string message)
    {
        var engine = new EngineOptions { Model = "", Memory = memory, DeviceMemory = deviceMemory };

        Assert.Equal(message, Assert.Throws<ServerConfigurationException>(() => MemoryPlanCheck.Run(engine, NullLogger.Instance)).Message);
    }

    [Fact]
    public void Run_CpuWithoutDeviceMemory_LogsThatThePlanIsNotChecked()
    {
        var logger = new ListLogger();
        var engine = new EngineOptions { Model = DemoModel, Device = "cpu", Memory = "quantized" };

        MemoryPlanCheck.Run(engine, logger);

        Assert.Equal("Memory mode quantized; memory plan not checked: the engine runs on the CPU, in host memory", Assert.Single(logger.Lines));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
