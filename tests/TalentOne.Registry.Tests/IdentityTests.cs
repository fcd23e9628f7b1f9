using System.Security.Cryptography;
using TalentOne.Registry.Codes;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Tests;

public class ResidentIdTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [Theory]
    [InlineData("11010519491231002X", "1949-12-31", false)] // the example of GB 11643-1999
    [InlineData("11010519491231002x", "1949-12-31", false)] // lower-case x is normalised
    [InlineData("330102199003071230", "1990-03-07", true)]
    [InlineData(" 3301 0219 9003 0712 30 ", "1990-03-07", true)]
    public void Valid_numbers_give_their_birth_date_and_sex(string input, string birth, bool male)
    {
        Assert.True(ResidentId.TryParse(input, Today, out var id, out var error), error);
        Assert.Equal(DateOnly.Parse(birth), id.BirthDate);
        Assert.Equal(male, id.IsMale);
        Assert.Equal(18, id.Value.Length);
        Assert.EndsWith(id.Value[^1..], id.Value);
    }

    [Theory]
    [InlineData("110105194912310021", "身份证号码校验位不正确，请核对")]
    [InlineData("11010519491231002", "身份证号码应为 18 位")]
    [InlineData("1101051949123100AX", "身份证号码前 17 位应为数字")]
    [InlineData("11010519491331002X", "身份证号码中的出生日期无效")] // month 13
    [InlineData("440524188001010014", "身份证号码中的出生日期无效")] // 1880: no living applicant
    [InlineData("110105203001010010", "身份证号码中的出生日期无效")] // born in the future
    [InlineData("010105194912310029", "身份证号码的地址码无效")]
    [InlineData(null, "身份证号码应为 18 位")]
    public void Invalid_numbers_say_why_in_Chinese(string? input, string why)
    {
        Assert.False(ResidentId.TryParse(input, Today, out _, out var error));
        Assert.Equal(why, error);
    }

    [Fact]
    public void The_number_never_prints_itself()
    {
        Assert.True(ResidentId.TryParse("11010519491231002X", Today, out var id, out _));
        Assert.Equal("110*************2X", id.Masked);
        Assert.Equal(id.Masked, id.ToString());
        Assert.DoesNotContain("19491231", $"{id}");
    }
}

public class MobileNumberTests
{
    [Theory]
    [InlineData("13812345678", "13812345678")]
    [InlineData("+86 138-1234-5678", "13812345678")]
    [InlineData("8619912345678", "19912345678")]
    public void Valid_mobiles_are_normalised(string input, string value)
    {
        Assert.True(MobileNumber.TryParse(input, out var m, out var error), error);
        Assert.Equal(value, m.Value);
    }

    [Theory]
    [InlineData("1381234567", "手机号码应为 11 位数字")]
    [InlineData("12812345678", "手机号码应以 13–19 开头")]
    [InlineData("0571-8888888", "手机号码应以 13–19 开头")] // a landline
    [InlineData("138123456789", "手机号码应为 11 位数字")]
    public void Invalid_mobiles_say_why(string input, string why)
    {
        Assert.False(MobileNumber.TryParse(input, out _, out var error));
        Assert.Equal(why, error);
    }

    [Fact]
    public void Mobiles_are_masked()
    {
        Assert.True(MobileNumber.TryParse("13812345678", out var m, out _));
        Assert.Equal("138****5678", m.ToString());
    }
}

public class PersonalDataProtectorTests
{
    private static PersonalDataProtector New() => new(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Encrypts_and_decrypts_with_a_fresh_nonce_each_time()
    {
        var p = New();
        var a = p.Encrypt("11010519491231002X");
        var b = p.Encrypt("11010519491231002X");
        Assert.NotEqual(a, b);
        Assert.Equal("11010519491231002X", p.Decrypt(a));
        Assert.Equal(-1, a.AsSpan().IndexOf("19491231"u8)); // the plain number is nowhere in what is stored
    }

    [Fact]
    public void A_tampered_value_is_refused()
    {
        var p = New();
        var a = p.Encrypt("11010519491231002X");
        a[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => p.Decrypt(a));
    }

    [Fact]
    public void Another_key_cannot_read_it()
    {
        var a = New().Encrypt("11010519491231002X");
        Assert.ThrowsAny<CryptographicException>(() => New().Decrypt(a));
    }

    [Fact]
    public void Blind_index_finds_duplicates_without_the_number()
    {
        var p = New();
        Assert.Equal(p.BlindIndex("11010519491231002X"), p.BlindIndex("11010519491231002X"));
        Assert.NotEqual(p.BlindIndex("11010519491231002X"), p.BlindIndex("330102199003071230"));
        Assert.DoesNotContain("11010519491231002X", p.BlindIndex("11010519491231002X"));
    }

    [Fact]
    public void Keys_must_be_strong_and_distinct()
    {
        var k = RandomNumberGenerator.GetBytes(32);
        Assert.Throws<ArgumentException>(() => new PersonalDataProtector(k, k));
        Assert.Throws<ArgumentException>(() => new PersonalDataProtector(new byte[16], k));
    }
}
