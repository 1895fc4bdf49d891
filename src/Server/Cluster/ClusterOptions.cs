using QwenLayered.Server.Hosting;
using StackExchange.Redis;

namespace QwenLayered.Server.Cluster;

/// <summary>
/// Several servers on one shared job store (configuration section "Cluster"). Empty <see cref="Redis"/>: this server
/// keeps its own queue, event logs and results folder, as a single server always has.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>
    /// The Redis every server shares, in StackExchange.Redis's configuration form: <c>host:port</c>, then options such
    /// as <c>,password=…</c>, <c>,user=…</c>, <c>,ssl=true</c>, <c>,sslHost=…</c>. Empty for no cluster.
    /// </summary>
    public string Redis { get; set; } = "";

    /// <summary>
    /// How long a worker holds a job without renewing its lease (it renews every third of it). When a worker dies its
    /// job goes back to the queue once the lease has run out.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>The client's configuration: commands fail fast while Redis is away, and it reconnects by itself.</summary>
    /// <exception cref="ServerConfigurationException">The Redis setting does not parse, or the lease is too short.</exception>
    public ConfigurationOptions RedisConfiguration()
    {
        if (LeaseTime < TimeSpan.FromSeconds(1))
            throw new ServerConfigurationException($"Cluster:LeaseTime is {LeaseTime}; it must be at least one second.");
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(Redis);
        }
        catch (ArgumentException error)
        {
            throw new ServerConfigurationException(
                $"--redis (Cluster:Redis) '{Redis}' is not a Redis address ({error.Message}). Give host:port, with ,password=… or ,ssl=true where the Redis needs them.");
        }
        if (configuration.EndPoints.Count == 0)
            throw new ServerConfigurationException($"--redis (Cluster:Redis) '{Redis}' names no server. Give host:port, for example redis.studio.lan:6379.");
        configuration.AbortOnConnectFail = false;
        configuration.ClientName = "qwenlayered";
        return configuration;
    }
}
