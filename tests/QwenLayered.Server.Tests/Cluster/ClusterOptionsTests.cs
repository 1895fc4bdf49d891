using QwenLayered.Server.Cluster;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Tests.Cluster;

public class ClusterOptionsTests
{
    [Fact]
    public void RedisConfiguration_HostPortWithPasswordAndTls_IsTheClientsConfiguration()
    {
        var configuration = new ClusterOptions { Redis = "redis.studio.lan:6380,password=secret,ssl=true" }.RedisConfiguration();

        Assert.Equal("redis.studio.lan:6380", StackExchange.Redis.EndPointCollection.ToString(configuration.EndPoints[0]));
        Assert.Equal(("secret", true, false), (configuration.Password, configuration.Ssl, configuration.AbortOnConnectFail));
    }

    [Fact]
    public void RedisConfiguration_UnknownOption_IsRefusedSayingWhatToGive()
    {
        var error = Assert.Throws<ServerConfigurationException>(() => new ClusterOptions { Redis = "127.0.0.1:6379,colour=blue" }.RedisConfiguration());

        Assert.StartsWith("--redis (Cluster:Redis) '127.0.0.1:6379,colour=blue' is not a Redis address", error.Message);
        Assert.Contains("Give host:port", error.Message);
    }

    [Fact]
    public void RedisConfiguration_LeaseUnderASecond_IsRefused()
    {
        var error = Assert.Throws<ServerConfigurationException>(() =>
            new ClusterOptions { Redis = "127.0.0.1:6379", LeaseTime = TimeSpan.FromMilliseconds(100) }.RedisConfiguration());

        Assert.Contains("Cluster:LeaseTime", error.Message);
    }
}
