using TalentOne.Registry.Cases;

namespace TalentOne.Web.Pages.Bundles;

/// <summary>The before → after figures of a bundle in words, only those the source states.</summary>
public static class Figures
{
    public static string Text(BundleFigures? before, BundleFigures? after)
    {
        var parts = new List<string>();
        void Add(int? b, int? a, string unit, string what)
        {
            if (b == null && a == null) return;
            parts.Add(b != null && a != null ? $"{what} {b} → {a} {unit}" : b != null ? $"{what}原 {b} {unit}" : $"{what} {a} {unit}");
        }
        Add(before?.Forms, after?.Forms, "张", "表单");
        Add(before?.Fields, after?.Fields, "项", "填报信息");
        Add(before?.Materials, after?.Materials, "份", "材料");
        Add(before?.WorkingDays, after?.WorkingDays, "个工作日", "时限");
        Add(before?.Departments, after?.Departments, "个", "部门");
        Add(before?.Items, after?.Items, "项", "事项");
        return string.Join(" · ", parts);
    }
}
