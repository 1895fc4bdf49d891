using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QwenLayered.Server.Tests.Tls;

/// <summary>
/// A certificate authority made for one test run and a server certificate it signed (for localhost and 127.0.0.1),
/// written as an operator would hand them to the server: a PEM pair, and a PFX with a password.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string PfxPassword = "test-password";

    private readonly string _folder = Directory.CreateTempSubdirectory("qwenlayered-tls-").FullName;

    public TestCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=QwenLayered test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        Authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(Authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        using var server = signed.CopyWithPrivateKey(serverKey);

        File.WriteAllText(CertificatePath, server.ExportCertificatePem());
        File.WriteAllText(KeyPath, serverKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(PfxPath, server.Export(X509ContentType.Pkcs12, PfxPassword));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(OtherKeyPath, otherKey.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>The test CA: the only root a client in these tests trusts.</summary>
    public X509Certificate2 Authority { get; }

    public string CertificatePath => Path.Combine(_folder, "server.crt");
    public string KeyPath => Path.Combine(_folder, "server.key");
    public string PfxPath => Path.Combine(_folder, "server.pfx");

    /// <summary>A private key that does not belong to the server certificate.</summary>
    public string OtherKeyPath => Path.Combine(_folder, "other.key");

    /// <summary>The server's settings for the PEM pair, keyed as docs/deploy.md says.</summary>
    public Dictionary<string, string?> PemSettings() => new()
    {
        ["Kestrel:Certificates:Default:Path"] = CertificatePath,
        ["Kestrel:Certificates:Default:KeyPath"] = KeyPath,
    };

    /// <summary>The server's settings for the PFX, keyed as docs/deploy.md says.</summary>
    public Dictionary<string, string?> PfxSettings() => new()
    {
        ["Kestrel:Certificates:Default:Path"] = PfxPath,
        ["Kestrel:Certificates:Default:Password"] = PfxPassword,
    };

    /// <summary>Accepts a server certificate only if it chains to <see cref="Authority"/> and names the host dialled.</summary>
    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }

    /// <summary>An HTTP handler for clients that trust the test CA and nothing else.</summary>
    public SocketsHttpHandler TrustingHandler() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(certificate, errors) },
    };

    public void Dispose()
    {
        Authority.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
