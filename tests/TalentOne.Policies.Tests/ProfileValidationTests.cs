using TalentOne.Policies.Profiles;

namespace TalentOne.Policies.Tests;

public class ProfileValidationTests
{
    private static readonly DateOnly Day = new(2021, 1, 1);

    private static IReadOnlyList<ProfileError> Errors(string json) =>
        Assert.Throws<ProfileException>(() => ProfileReader.Read(Repo.Real, json, Day)).Errors;

    [Theory]
    [InlineData("""{"person": {"birthDate": "1990-01-01"}""", "$")]
    [InlineData("""{"person": {"favouriteColour": "red"}}""", "person.favouriteColour")]
    [InlineData("""{"hobbies": {}}""", "hobbies")]
    [InlineData("""{"employment": {"annualSalary": -5}}""", "employment.annualSalary")]
    [InlineData("""{"employment": {"serviceAgreementYears": -1}}""", "employment.serviceAgreementYears")]
    [InlineData("""{"person": {"birthDate": "2030-01-01"}}""", "person.birthDate")]
    [InlineData("""{"person": {"birthDate": "1995-01-01"}, "education": {"graduationDate": "1990-07-01"}}""", "education.graduationDate")]
    [InlineData("""{"work": {"county": "atlantis"}}""", "work.county")]
    [InlineData("""{"work": {"city": "hangzhou", "county": "kecheng"}}""", "work.county")]
    [InlineData("""{"education": {"level": "phd"}}""", "education.level")]
    [InlineData("""{"education": {"fullTime": "yes"}}""", "education.fullTime")]
    [InlineData("""{"person": {"birthDate": "01/02/1990"}}""", "person.birthDate")]
    [InlineData("""[1, 2]""", "$")]
    public void Bad_input_names_the_field(string json, string field)
    {
        var errors = Errors(json);
        Assert.Contains(errors, e => e.Field == field && e.Message.Length > 0);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var errors = Errors("""{"person": {"birthDate": "2030-01-01"}, "employment": {"annualSalary": -1}, "work": {"county": "nowhere"}}""");
        Assert.Equal(["employment.annualSalary", "person.birthDate", "work.county"], errors.Select(e => e.Field).Order().ToArray());
    }

    [Fact]
    public void Messages_are_Chinese()
    {
        var e = Assert.Single(Errors("""{"employment": {"annualSalary": -5}}"""));
        Assert.Equal("年薪（税前）不能为负数", e.Message);
    }

    [Fact]
    public void Nulls_and_absent_facts_are_unknown_not_zero()
    {
        var row = ProfileReader.Read(Repo.Real, """{"employment": {"annualSalary": null}}""", Day);
        Assert.True(double.IsNaN(row.Values[Repo.Real.Schema.Facts["employment.annualSalary"].Slot]));
    }

    [Fact]
    public void County_fills_in_its_city()
    {
        var row = ProfileReader.Read(Repo.Real, """{"work": {"county": "kecheng"}}""", Day);
        var city = Repo.Real.Schema.Facts["work.city"];
        Assert.Equal("quzhou", city.Type.Enum!.Members[(int)row.Values[city.Slot]].Code);
    }
}
