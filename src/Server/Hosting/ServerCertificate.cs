using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QwenLayered.Server.Hosting;

/// <summary>
/// The certificate both ports serve TLS with: Kestrel's usual <c>Kestrel:Certificates:Default</c> (a PFX with Password,
/// or a PEM certificate with KeyPath). Read here, so a bad one stops startup with a line that says what is wrong, and so
/// the in-process panel bridge can trust exactly this certificate when it dials its own server.
/// </summary>
internal static class ServerCertificate
{
    public const string Section = "Kestrel:Certificates:Default";

    /// <returns>null when none is configured: both ports then speak plain text.</returns>
    /// <exception cref="ServerConfigurationException">The certificate cannot be read or has no matching private key.</exception>
    public static X509Certificate2? Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var (path, keyPath, password) = (section["Path"], section["KeyPath"], section["Password"]);
        if (string.IsNullOrEmpty(path))
            return section.GetChildren().Any()
                ? throw new ServerConfigurationException($"{Section} needs a Path: a PFX file (with Password) or a PEM certificate (with KeyPath); see docs/deploy.md.")
                : null;
        var certificate = string.IsNullOrEmpty(keyPath) ? LoadPfx(path, password) : LoadPem(path, keyPath, password);
        if (!certificate.HasPrivateKey)
            throw new ServerConfigurationException($"{Section}:Path '{path}' holds no private key; export the PFX with its key, or give the key's PEM file as KeyPath.");
        return certificate;
    }

    private static X509Certificate2 LoadPfx(string path, string? password)
    {
        var bytes = Read(path, "Path", File.ReadAllBytes);
        try
        {
            return X509CertificateLoader.LoadPkcs12(bytes, password);
        }
        catch (CryptographicException error)
        {
            throw new ServerConfigurationException(
                $"{Section}:Path '{path}' does not open with {Section}:Password (a wrong or missing password, or not a PFX file): {error.Message}");
        }
    }

    private static X509Certificate2 LoadPem(string path, string keyPath, string? password)
    {
        var certificatePem = Read(path, "Path", File.ReadAllText);
        var keyPem = Read(keyPath, "KeyPath", File.ReadAllText);
        try
        {
            using var _ = X509Certificate2.CreateFromPem(certificatePem);
        }
        catch (CryptographicException error)
        {
            throw new ServerConfigurationException($"{Section}:Path '{path}' holds no PEM certificate: {error.Message}");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPem(certificatePem, keyPem)
                : X509Certificate2.CreateFromEncryptedPem(certificatePem, keyPem, password);
        }
        catch (Exception error) when (error is CryptographicException or ArgumentException)
        {
            throw new ServerConfigurationException(
                $"{Section}:KeyPath '{keyPath}' is not the private key of the certificate in '{path}' (or not a PEM key this Password opens): {error.Message}");
        }
        // Windows' TLS cannot use a key that lives only in memory, as a PEM key does; a PFX round trip gives it a stored one.
        if (!OperatingSystem.IsWindows()) return certificate;
        using (certificate) return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private static T Read<T>(string path, string key, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ServerConfigurationException($"{Section}:{key} '{path}' cannot be read: {error.Message}");
        }
    }
}
