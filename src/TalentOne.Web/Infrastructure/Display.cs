using System.Globalization;

namespace TalentOne.Web.Infrastructure;

/// <summary>Numbers as the pages show them: digits grouped in thousands (776,000), at most two decimals.</summary>
public static class Display
{
    public static string Number(double? v) => v is double d && double.IsFinite(d) ? d.ToString("#,0.##", CultureInfo.InvariantCulture) : "—";
}
