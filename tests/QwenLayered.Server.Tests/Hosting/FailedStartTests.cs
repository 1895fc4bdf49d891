using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.Hosting;

/// <summary>A server that cannot listen ends without having loaded, or begun to load, its model.</summary>
public class FailedStartTests(TinyModelFolder model)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_PortInUse_FailsWithoutLoadingTheModel()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        using var results = new TempResultsFolder();
        await using var app = ServerApp.Build([], new Dictionary<string, string?>
        {
            ["Server:GrpcPort"] = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(),
            ["Server:HttpPort"] = "0",
            ["Engine:Device"] = "cpu",
            ["Engine:Model"] = model.Path,
            ["Engine:WorkingArea"] = "4096",
            ["Jobs:ResultsFolder"] = results.Path,
        });

        var error = await Assert.ThrowsAsync<IOException>(() => app.StartAsync(Cancellation));
        // Stopping waits for the model loader to finish whatever it began.
        await app.StopAsync(Cancellation);

        Assert.IsType<AddressInUseException>(error.InnerException);
        Assert.False(app.Services.GetRequiredService<ModelHost>().Ready.IsCompleted);
    }
}
