using System.Net.WebSockets;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using QwenLayered.Bridge.Protocol;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Bridge.Session;

/// <summary>
/// One panel connection mapped onto the Decomposer: a hello first, then submits, attaches and cancels, with every
/// job's events streamed back. Closing the socket stops the streams, never the jobs: the panel can attach again.
/// </summary>
public sealed partial class PanelSession(WebSocket socket, IPanelDecomposer decomposer, PanelBridgeOptions options, ILogger logger)
{
    private readonly FramedSocket _socket = new(socket, PanelBridgeOptions.MaxHelloBytes);
    private readonly List<Task> _streams = [];
    private bool _greeted;
    // The token the server accepted at hello: the bridge's own, else the panel's.
    private string? _token;

    public async Task RunAsync(CancellationToken aborted)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        try
        {
            while (await _socket.ReceiveAsync(session.Token) is { } received)
            {
                if (!await HandleAsync(received.Type, received.Data, received.TooLarge, session.Token)) break;
            }
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", session.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            LogConnectionLost(logger, e.Message);
        }
        finally
        {
            await session.CancelAsync();
            await Task.WhenAll(_streams).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <returns>False when the connection must close (a fatal error was sent).</returns>
    private async Task<bool> HandleAsync(WebSocketMessageType type, ReadOnlyMemory<byte> data, bool tooLarge, CancellationToken cancellation)
    {
        PanelFrame frame;
        try
        {
            if (tooLarge) throw new PanelFrameException($"The message is larger than the bridge accepts ({_socket.MaxMessageBytes} bytes).");
            frame = type == WebSocketMessageType.Text ? PanelCodec.DecodeText(data.Span) : PanelCodec.DecodeBinary(data);
        }
        catch (PanelFrameException e)
        {
            await _socket.SendAsync(new ErrorMessage(ErrorCodes.BadFrame, e.Message), cancellation);
            return true;
        }

        if (frame.Message is HelloMessage hello) return await GreetAsync(hello, cancellation);
        if (!_greeted)
        {
            await _socket.SendAsync(new ErrorMessage(ErrorCodes.HelloRequired, "Send a hello with the protocol version and token first."), cancellation);
            return true;
        }
        switch (frame.Message)
        {
            case SubmitMessage submit: await SubmitAsync(submit, frame.Payload, cancellation); break;
            case AttachMessage attach:
                Stream(decomposer.Attach(_token, new AttachRequest { JobId = attach.JobId, AfterSequence = attach.AfterSequence }, cancellation), attach.JobId, null, cancellation);
                break;
            case CancelMessage cancel: await CancelAsync(cancel, cancellation); break;
            default: await _socket.SendAsync(new ErrorMessage(ErrorCodes.BadFrame, "The bridge sends this message; a panel may not."), cancellation); break;
        }
        return true;
    }

    private async Task<bool> GreetAsync(HelloMessage hello, CancellationToken cancellation)
    {
        if (PanelProtocol.CheckCompatibility(hello.Protocol) is { } mismatch)
        {
            await FailAsync(new ErrorMessage(ErrorCodes.VersionMismatch, mismatch, Fatal: true), cancellation);
            return false;
        }
        var token = string.IsNullOrEmpty(options.Token) ? hello.Token : options.Token;
        try
        {
            var info = await decomposer.GetServerInfoAsync(token, cancellation);
            (_greeted, _token) = (true, token);
            // Welcomed panels may send what the server accepts (an image of its max_image_bytes with its JSON).
            _socket.MaxMessageBytes = options.MaxMessageBytes ?? (int)Math.Min(int.MaxValue, info.Limits?.MaxRequestBytes ?? 0);
            await _socket.SendAsync(new WelcomeMessage(PanelProtocol.Version, BridgeVersion.Current, Summarize(info)), cancellation);
            return true;
        }
        catch (RpcException e) when (!cancellation.IsCancellationRequested)
        {
            var error = RpcErrorMapping.ToPanel(e, options.Server);
            await FailAsync(error with { Fatal = true }, cancellation);
            return false;
        }
    }

    private async Task SubmitAsync(SubmitMessage submit, ReadOnlyMemory<byte> payload, CancellationToken cancellation)
    {
        DecomposeRequest request;
        try
        {
            request = JobEventMapping.ToRequest(submit, payload);
        }
        catch (PanelFrameException e)
        {
            await _socket.SendAsync(new ErrorMessage(ErrorCodes.BadFrame, e.Message, ClientRequestId: submit.ClientRequestId), cancellation);
            return;
        }
        Stream(decomposer.Decompose(_token, request, cancellation), null, submit.ClientRequestId, cancellation);
    }

    private async Task CancelAsync(CancelMessage cancel, CancellationToken cancellation)
    {
        try
        {
            var response = await decomposer.CancelAsync(_token, new CancelRequest { JobId = cancel.JobId }, cancellation);
            await _socket.SendAsync(new CancelResultMessage(cancel.JobId, response.Cancelled), cancellation);
        }
        catch (RpcException e) when (!cancellation.IsCancellationRequested)
        {
            await _socket.SendAsync(RpcErrorMapping.ToPanel(e, options.Server, cancel.JobId), cancellation);
        }
    }

    /// <summary>Relays one job's event stream in the background, so the panel can cancel or submit meanwhile.</summary>
    private void Stream(IAsyncEnumerable<JobEvent> events, string? jobId, string? clientRequestId, CancellationToken cancellation)
    {
        _streams.Add(RelayAsync());

        async Task RelayAsync()
        {
            try
            {
                await foreach (var e in events.WithCancellation(cancellation))
                {
                    jobId = e.JobId;
                    await _socket.SendAsync(JobEventMapping.ToPanel(e, clientRequestId), cancellation);
                }
            }
            catch (RpcException e) when (!cancellation.IsCancellationRequested)
            {
                await _socket.SendAsync(RpcErrorMapping.ToPanel(e, options.Server, jobId, clientRequestId), cancellation);
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException or WebSocketException)
            {
                LogStreamStopped(logger, jobId ?? clientRequestId, e.Message);
            }
        }
    }

    private async Task FailAsync(ErrorMessage error, CancellationToken cancellation)
    {
        LogFatal(logger, error.Code, error.Message);
        await _socket.SendAsync(error, cancellation);
        await _socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, error.Code, cancellation);
    }

    private static ServerSummary Summarize(ServerInfo info) => new(
        info.ServerVersion, info.ContractVersion, info.Model?.Loaded ?? false, info.Model?.Name ?? "",
        info.Limits?.MaxLayers ?? 0, info.Limits?.MaxSteps ?? 0, info.Limits?.MaxPixels ?? 0, info.Limits?.MaxImageBytes ?? 0,
        info.Limits?.QueueCapacity ?? 0, info.Limits?.MaxQueuedPerArtist ?? 0, info.QueueLength,
        [.. info.Model?.Resolutions ?? []], info.Model?.CaptionsEmptyPrompt ?? false,
        new SubmitDefaults(info.Defaults?.Layers ?? 0, info.Defaults?.Steps ?? 0, info.Defaults?.GuidanceScale ?? 0, info.Defaults?.Resolution ?? 0));

    [LoggerMessage(Level = LogLevel.Information, Message = "Panel connection ended: {Reason}")]
    private static partial void LogConnectionLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped relaying job {Job}: {Reason}")]
    private static partial void LogStreamStopped(ILogger logger, string? job, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing a panel connection: {Code}: {Message}")]
    private static partial void LogFatal(ILogger logger, string code, string message);
}
