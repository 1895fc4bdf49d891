namespace QwenLayered.Server.Tests.Serving;

/// <summary>
/// One <see cref="ModelServer"/> for the test classes whose tests leave it as they found it: no job of theirs still
/// waiting when they end (a cancelled one may still be stopping). Their tests run one at a time. Classes that count
/// what the server did (metrics), measure its memory or restart it have a server of their own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedModelServer : ICollectionFixture<ModelServer>
{
    public const string Name = "Shared model server";
}
