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

        if (frame.Message is HelloMessage hello)
        {
            if (PanelProtocol.CheckCompatibility(hello.Protocol) is { } mismatch)
            {
                await FailAsync(new ErrorMessage(ErrorCodes.VersionMismatch, mismatch, Fatal: true), cancellation);
                return false;
            }
            // In the background: while the server cannot be reached the bridge keeps reading, so a panel that leaves ends the wait.
            _streams.Add(GreetAsync(hello, cancellation));
            return true;
        }
        if (!_greeted)
        {
            await _socket.SendAsync(new ErrorMessage(ErrorCodes.HelloRequired, "Send a hello with the protocol version and token first."), cancellation);
            return true;
        }
        switch (frame.Message)
        {
            case SubmitMessage submit: await SubmitAsync(submit, frame.Payload, cancellation); break;
            case AttachMessage attach:
                Stream(null, attach.JobId, attach.AfterSequence, null, cancellation);
                break;
            case CancelMessage cancel: await CancelAsync(cancel, cancellation); break;
            default: await _socket.SendAsync(new ErrorMessage(ErrorCodes.BadFrame, "The bridge sends this message; a panel may not."), cancellation); break;
        }
        return true;
    }

    /// <summary>Welcomes the panel once the server answers with the token; a refused token closes the connection.</summary>
    private async Task GreetAsync(HelloMessage hello, CancellationToken cancellation)
    {
        var token = string.IsNullOrEmpty(options.Token) ? hello.Token : options.Token;
        try
        {
            var info = await UntilReachableAsync(() => decomposer.GetServerInfoAsync(token, cancellation), null, null, cancellation);
            (_greeted, _token) = (true, token);
            // Welcomed panels may send what the server accepts (an image of its max_image_bytes with its JSON).
            _socket.MaxMessageBytes = options.MaxMessageBytes ?? (int)Math.Min(int.MaxValue, info.Limits?.MaxRequestBytes ?? 0);
            await _socket.SendAsync(new WelcomeMessage(PanelProtocol.Version, BridgeVersion.Current, Summarize(info)), cancellation);
        }
        catch (RpcException e) when (!cancellation.IsCancellationRequested)
        {
            var error = RpcErrorMapping.ToPanel(e, options.Server);
            await FailAsync(error with { Fatal = true }, cancellation);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or WebSocketException)
        {
            LogConnectionLost(logger, e.Message);
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
        Stream(request, null, 0, submit.ClientRequestId, cancellation);
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

    /// <summary>
    /// Relays one job's event stream in the background, so the panel can cancel or submit meanwhile. When the server
    /// cannot be reached (it restarts, say), the panel is told once, and the stream is opened again after the last event
    /// relayed until the server answers: by Attach once the job id is known, else by submitting
    /// <paramref name="request"/> again, which the server takes as the same job (the same client request id).
    /// </summary>
    private void Stream(DecomposeRequest? request, string? jobId, ulong afterSequence, string? clientRequestId, CancellationToken cancellation)
    {
        _streams.Add(RelayAsync());

        async Task RelayAsync()
        {
            try
            {
                await UntilReachableAsync(async () =>
                {
                    var events = jobId is null ? decomposer.Decompose(_token, request!, cancellation)
                        : decomposer.Attach(_token, new AttachRequest { JobId = jobId, AfterSequence = afterSequence }, cancellation);
                    await foreach (var e in events.WithCancellation(cancellation))
                    {
                        (jobId, afterSequence) = (e.JobId, e.Sequence);
                        await _socket.SendAsync(JobEventMapping.ToPanel(e, clientRequestId), cancellation);
                    }
                    return true;
                }, () => jobId, clientRequestId, cancellation);
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

    /// <summary>
    /// Calls the server until it answers (<see cref="ServerRetry"/>). The first time it cannot be reached the panel gets
    /// a <c>server_unreachable</c> error that is not fatal, for the job when there is one: it waits rather than gives up.
    /// </summary>
    private async Task<T> UntilReachableAsync<T>(Func<Task<T>> call, Func<string?>? jobId, string? clientRequestId, CancellationToken cancellation)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (ServerRetry.IsUnreachable(e) && !cancellation.IsCancellationRequested)
            {
                if (attempt == 0)
                {
                    LogServerUnreachable(logger, options.Server, e.Status.DebugException!.Message);
                    await _socket.SendAsync(RpcErrorMapping.ToPanel(e, options.Server, jobId?.Invoke(), clientRequestId), cancellation);
                }
                await Task.Delay(ServerRetry.Delay(options, attempt), cancellation);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server at {Server} cannot be reached ({Reason}); trying again until it answers")]
    private static partial void LogServerUnreachable(ILogger logger, Uri server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing a panel connection: {Code}: {Message}")]
    private static partial void LogFatal(ILogger logger, string code, string message);
}
