using System.Security.Cryptography;
using System.Text;
using Matchmaking.ServiceDefaults.Auth;

namespace Matchmaking.ServiceDefaults.Messaging;

/// <summary>
/// Seals confidential text that an event must carry (a staff-only need's title, problem and keywords, which Matching
/// indexes for staff) so the broker, its queues, the <c>_error</c> queues and anything that logs a message body never
/// hold it in clear. AES-256-GCM with a random nonce per value; the key is derived with HKDF-SHA256 from the
/// deployment's shared secret (<c>Matchmaking:Auth:SigningKey</c>), so every service of a deployment can open what
/// another sealed and nothing else has to be provisioned. A value without the prefix is returned as it is (events
/// written before sealing existed, and text that is not confidential).
/// </summary>
public sealed class ConfidentialText
{
    public const string Prefix = "mm-sealed:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Purpose = "matchmaking/bus/confidential-text/v1"u8.ToArray();
    private readonly byte[] _key;

    public ConfidentialText(AuthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(settings.SigningKey), 32, salt: null, info: Purpose);
    }

    public static bool IsSealed(string? value) => value is not null && value.StartsWith(Prefix, StringComparison.Ordinal);

    public string Seal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = Encoding.UTF8.GetBytes(text);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <exception cref="CryptographicException">The value was sealed with another key or altered.</exception>
    public string Open(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsSealed(value))
        {
            return value;
        }

        var sealedBytes = Convert.FromBase64String(value[Prefix.Length..]);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("A sealed value is too short.");
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Seals the text when <paramref name="confidential"/> is true, else returns it as it is.</summary>
    public string SealIf(bool confidential, string text) => confidential ? Seal(text) : text;

    public IReadOnlyList<string> SealIf(bool confidential, IReadOnlyList<string> texts) =>
        confidential ? texts.Select(Seal).ToList() : texts;

    public IReadOnlyList<string> Open(IReadOnlyList<string> values) =>
        values.Any(IsSealed) ? values.Select(Open).ToList() : values;
}
