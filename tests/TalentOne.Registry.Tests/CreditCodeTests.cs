using TalentOne.Registry.Records;

namespace TalentOne.Registry.Tests;

public sealed class CreditCodeTests
{
    [Theory]
    [InlineData("91350100M000100Y43")] // the example in GB 32100-2015
    [InlineData("91110000600037341L")]
    public void Published_codes_are_accepted(string code)
    {
        Assert.True(CreditCode.TryParse(code, out var parsed, out var error), error);
        Assert.Equal(code, parsed.Value);
        Assert.Equal(code[..8] + "******" + code[14..], parsed.Masked);
        Assert.Equal(parsed.Masked, parsed.ToString());
    }

    [Theory]
    [InlineData("91350100M000100Y44", "校验位")]
    [InlineData("91350100M000100Y4", "18 位")]
    [InlineData("91350100I000100Y43", "无效字符")]
    [InlineData("", "请填写")]
    public void Malformed_codes_are_refused_with_the_reason(string code, string words)
    {
        Assert.False(CreditCode.TryParse(code, out _, out var error));
        Assert.Contains(words, error);
    }

    [Fact]
    public void Lower_case_and_spaces_around_are_normalised()
    {
        Assert.True(CreditCode.TryParse(" 91350100m000100y43 ", out var parsed, out _));
        Assert.Equal("91350100M000100Y43", parsed.Value);
    }
}
