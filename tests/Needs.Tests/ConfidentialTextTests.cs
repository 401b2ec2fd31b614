using System.Security.Cryptography;
using Matchmaking.ServiceDefaults.Auth;
using Matchmaking.ServiceDefaults.Messaging;

namespace Matchmaking.Needs.Tests;

/// <summary>Sealing of confidential text on the bus: pure logic, no servers.</summary>
public sealed class ConfidentialTextTests
{
    private static ConfidentialText With(string key) => new(new AuthSettings { SigningKey = key });

    [Fact]
    public void Sealed_text_opens_to_the_original_and_shows_none_of_it()
    {
        var sealer = With("a-deployment-secret-of-enough-length-0123456789");
        const string text = "我哋啲外殼冷卻後翹曲 — staff only";

        var sealedText = sealer.Seal(text);

        Assert.StartsWith(ConfidentialText.Prefix, sealedText);
        Assert.DoesNotContain("翹曲", sealedText);
        Assert.DoesNotContain("staff", sealedText);
        Assert.NotEqual(sealedText, sealer.Seal(text));   // a fresh nonce each time
        Assert.Equal(text, sealer.Open(sealedText));
        Assert.Equal(text, With("a-deployment-secret-of-enough-length-0123456789").Open(sealedText));
    }

    [Fact]
    public void Another_key_or_an_altered_value_does_not_open()
    {
        var sealedText = With("key-one-key-one-key-one-key-one-key-one").Seal("secret");
        var altered = sealedText[..^4] + (sealedText[^4] == 'A' ? 'B' : 'A') + sealedText[^3..];

        Assert.ThrowsAny<CryptographicException>(() => With("key-two-key-two-key-two-key-two-key-two").Open(sealedText));
        Assert.ThrowsAny<CryptographicException>(() => With("key-one-key-one-key-one-key-one-key-one").Open(altered));
    }

    [Fact]
    public void Text_that_was_not_sealed_passes_through_and_is_sealed_only_when_asked()
    {
        var sealer = With("a-deployment-secret-of-enough-length-0123456789");

        Assert.Equal("public text", sealer.Open("public text"));
        Assert.Equal("public text", sealer.SealIf(false, "public text"));
        Assert.True(ConfidentialText.IsSealed(sealer.SealIf(true, "public text")));
        Assert.Equal(["a", "b"], sealer.Open(sealer.SealIf(true, ["a", "b"])));
    }
}
