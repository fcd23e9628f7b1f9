using TalentOne.Policies.Catalog;

namespace TalentOne.Policies.Language;

/// <summary>Run-time helpers called by compiled expressions. Every argument may be NaN (unknown).</summary>
public static class Builtins
{
    private static DateOnly D(double day) => DateOnly.FromDayNumber((int)day);

    private static bool Bad(double d) => double.IsNaN(d) || d < 0 || d > DateOnly.MaxValue.DayNumber;

    public static double YearsBetween(double from, double to)
    {
        if (Bad(from) || Bad(to)) return double.NaN;
        var a = D(from); var b = D(to);
        int y = b.Year - a.Year;
        if (b.Month < a.Month || (b.Month == a.Month && b.Day < a.Day)) y--;
        return y;
    }

    public static double MonthsBetween(double from, double to)
    {
        if (Bad(from) || Bad(to)) return double.NaN;
        var a = D(from); var b = D(to);
        int m = (b.Year - a.Year) * 12 + b.Month - a.Month;
        if (b.Day < a.Day) m--;
        return m;
    }

    public static double DaysBetween(double from, double to) => to - from;

    // Date arithmetic is total: a result outside the calendar is unknown, never an exception.
    public static double AddYears(double d, double n) =>
        Bad(d) || double.IsNaN(n) || Math.Abs(n) > 9000 ? double.NaN : Checked(() => D(d).AddYears((int)n).DayNumber);

    public static double AddMonths(double d, double n) =>
        Bad(d) || double.IsNaN(n) || Math.Abs(n) > 9000 * 12 ? double.NaN : Checked(() => D(d).AddMonths((int)n).DayNumber);

    public static double AddDays(double d, double n)
    {
        double r = d + Math.Floor(n);
        return Bad(r) ? double.NaN : r;
    }

    private static double Checked(Func<int> f)
    {
        try { return f(); }
        catch (ArgumentOutOfRangeException) { return double.NaN; }
    }

    public static double Round(double x, double digits) =>
        double.IsNaN(x) || double.IsNaN(digits) ? double.NaN : Math.Round(x, (int)digits, MidpointRounding.AwayFromZero);

    public static double Div(double a, double b) => b == 0 ? double.NaN : a / b;

    /// <summary>A byte column's value: 255 is unknown.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static double FromByte(byte b) => b == 255 ? double.NaN : b;

    public static double Keyed(double[] pv, int baseIndex, int width, double key) =>
        double.IsNaN(key) || key < 0 || key >= width ? double.NaN : pv[baseIndex + (int)key];

    public static double ParamAt(ParameterHolder holder, int index, double day, double key)
    {
        if (Bad(day)) return double.NaN;
        var p = holder.Table.Parameters[index];
        if (p.Key != null && (double.IsNaN(key) || key < 0 || key >= p.Width)) return double.NaN;
        return p.ValueAt((int)day, p.Key == null ? -1 : (int)key);
    }
}

/// <summary>The parameter table a compiled catalog reads; replaced atomically when an administrator adds a value.</summary>
public sealed class ParameterHolder(ParameterTable table)
{
    private ParameterTable _table = table;
    public ParameterTable Table { get => Volatile.Read(ref _table); set => Volatile.Write(ref _table, value); }
}
