using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Auth;

/// <summary>Resolves bearer tokens to callers. Tokens are looked up by their SHA-256, so lookups take no token-dependent time.</summary>
public sealed class TokenDirectory
{
    private readonly Dictionary<string, Caller> _byHash;

    public TokenDirectory(IOptions<AuthOptions> options)
    {
        _byHash = new Dictionary<string, Caller>(StringComparer.Ordinal);
        foreach (var token in options.Value.Tokens)
        {
            if (string.IsNullOrWhiteSpace(token.Token) || string.IsNullOrWhiteSpace(token.Artist))
                throw new ServerConfigurationException("Every Auth:Tokens entry needs a Token and an Artist.");
            if (!_byHash.TryAdd(Hash(token.Token), new Caller(token.Artist, token.Admin)))
                throw new ServerConfigurationException($"Auth:Tokens lists the token of artist '{token.Artist}' twice.");
        }
    }

    /// <summary>False when no tokens are configured: every caller is then <see cref="Caller.Local"/>.</summary>
    public bool IsEnabled => _byHash.Count > 0;

    public Caller? Find(string token) => _byHash.GetValueOrDefault(Hash(token));

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
