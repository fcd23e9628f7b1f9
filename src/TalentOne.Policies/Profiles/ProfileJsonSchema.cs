using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TalentOne.Policies.Schema;

namespace TalentOne.Policies.Profiles;

/// <summary>Describes the profile (档案) that <see cref="ProfileReader"/> accepts: as a JSON Schema (draft 2020-12)
/// for API clients, and as a Markdown table for docs/profile.md. Both are generated from the catalog's schema,
/// so they never drift from catalog/schema/*.yaml.</summary>
public static class ProfileJsonSchema
{
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>Chinese names of the profile's sections (the first part of a fact path).</summary>
    public static readonly IReadOnlyDictionary<string, string> SectionTitles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["subject"] = "申请主体",
        ["person"] = "个人信息",
        ["education"] = "学历",
        ["employment"] = "就业",
        ["work"] = "工作地",
        ["employer"] = "用人单位",
        ["socialInsurance"] = "社会保险",
        ["housing"] = "住房",
        ["enterprise"] = "企业（组织）",
    };

    /// <summary>A full-time PhD working in Kecheng, Quzhou, who bought a first home — a profile that the schema accepts.</summary>
    public const string Example = """
        {
          "subject": {"kind": "person"},
          "person": {"birthDate": "1992-03-01", "title": "none", "skillLevel": "none", "honours": []},
          "education": {"level": "doctorate", "fullTime": true, "doubleFirstClass": true, "graduationDate": "2020-06-30"},
          "employment": {"status": "employed", "fullTime": true, "startDate": "2020-07-01", "serviceAgreementYears": 5,
                         "annualSalary": 300000, "post": "researcher", "professionalPost": true},
          "employer": {"type": "enterprise", "ownership": "private", "industry": "new_materials", "keyIndustry": true},
          "work": {"city": "quzhou", "county": "kecheng"},
          "socialInsurance": {"startDate": "2020-07-01"},
          "housing": {"status": "owns_home", "firstPurchase": true, "purchaseDate": "2021-03-15", "purchasePrice": 1500000, "purchaseArea": 110}
        }
        """;

    public static string SectionTitle(string section) => SectionTitles.GetValueOrDefault(section, section);

    /// <summary>Sections in a reading order (subject, person, education … enterprise), others after them as declared.</summary>
    public static IEnumerable<IGrouping<string, FactDef>> Sections(ProfileSchema schema)
    {
        var order = SectionTitles.Keys.ToList();
        return schema.Sections.Select((g, i) => (g, i))
            .OrderBy(x => order.IndexOf(x.g.Key) is var k && k >= 0 ? k : order.Count + x.i)
            .Select(x => x.g);
    }

    /// <summary>The JSON Schema of a profile: one object per section, no other properties; null anywhere means unknown.</summary>
    public static JsonObject Generate(ProfileSchema schema)
    {
        var sections = new JsonObject();
        foreach (var section in Sections(schema))
        {
            var props = new JsonObject();
            foreach (var fact in section) props[fact.Path[(fact.Path.IndexOf('.') + 1)..]] = Fact(fact);
            sections[section.Key] = new JsonObject
            {
                ["title"] = SectionTitle(section.Key),
                ["type"] = new JsonArray("object", "null"),
                ["additionalProperties"] = false,
                ["properties"] = props,
            };
        }
        return new JsonObject
        {
            ["$schema"] = Dialect,
            ["$id"] = "urn:talentone:profile",
            ["title"] = "人才 / 企业档案",
            ["description"] = "未填写或为 null 的事实按“未知”处理（不是 0），依赖它的政策显示为“需补充信息”。"
                + "另有检查无法用本 Schema 表达：出生日期不能晚于评估日；其他个人日期不能早于出生日期；县（市、区）必须属于所填的市。",
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["properties"] = sections,
            ["examples"] = new JsonArray(JsonNode.Parse(Example)),
        };
    }

    private static JsonObject Fact(FactDef f)
    {
        var o = new JsonObject { ["title"] = f.Label };
        switch (f.Type.Base)
        {
            case BaseType.Bool:
                o["type"] = new JsonArray("boolean", "null");
                break;
            case BaseType.Number:
                o["type"] = new JsonArray("number", "null");
                if (f.Min is double min) o["minimum"] = min;
                if (f.Max is double max) o["maximum"] = max;
                break;
            case BaseType.Date:
                o["type"] = new JsonArray("string", "null");
                o["format"] = "date";
                break;
            case BaseType.Enum:
                o["enum"] = Codes(f.Type.Enum!, withNull: true);
                AddLabels(o, f.Type.Enum!);
                break;
            case BaseType.Set:
                o["type"] = new JsonArray("array", "null");
                var items = new JsonObject { ["enum"] = Codes(f.Type.Enum!, withNull: false) };
                AddLabels(items, f.Type.Enum!);
                o["items"] = items;
                break;
        }
        if (f.Unit != null) o["x-unit"] = f.Unit;
        return o;
    }

    private static JsonArray Codes(EnumDef e, bool withNull)
    {
        var a = new JsonArray();
        foreach (var m in e.Members) a.Add(m.Code);
        if (withNull) a.Add(null);
        return a;
    }

    private static void AddLabels(JsonObject o, EnumDef e)
    {
        var labels = new JsonObject();
        foreach (var m in e.Members) labels[m.Code] = m.Label;
        o["x-enum"] = e.Name;
        o["x-labels"] = labels;
        if (e.Members.Any(m => m.Parent != null))
        {
            var parents = new JsonObject();
            foreach (var m in e.Members.Where(m => m.Parent != null)) parents[m.Code] = m.Parent;
            o["x-parents"] = parents;
        }
    }

    /// <summary>docs/profile.md: every section and fact (path, type, Chinese label, unit, allowed values), the enums, and an example.</summary>
    public static string Markdown(ProfileSchema schema)
    {
        var sb = new StringBuilder();
        sb.Append("""
            # 档案（profile）字段说明

            <!-- 本文件由 ProfileJsonSchema.Markdown 根据 catalog/schema/*.yaml 生成，请勿手工编辑。
                 schema 改动后运行：TALENTONE_WRITE_DOCS=1 dotnet test tests/TalentOne.Web.Tests --filter ProfileDocumentation -->

            政策计算器（`POST /api/v1/eligibility`、网页“政策计算器”、命令行 `talentone match`）读取的档案是一个 JSON 对象：
            第一层是“部分”（section），第二层是“事实”（fact），路径写作 `部分.事实`，例如 `person.birthDate`。
            机器可读的 JSON Schema（draft 2020-12）见 `GET /api/v1/schema/profile`。

            - 未填写或为 `null` 的事实按 **未知** 处理（不是 0）：依赖它的政策列为“需补充信息”，并指出缺哪些事实。
            - 未列出的字段、类型不符、负数、不存在的代码都会被拒绝，错误信息指明字段路径（HTTP 400）。
            - 出生日期不能晚于评估日；其他个人日期（毕业、入职、购房……）不能早于出生日期；县（市、区）必须属于所填的市
              （只填县时自动补上所属的市）。
            - 日期格式 `yyyy-mm-dd`；枚举填代码（英文），中文名称见下表；“可多选”的填代码数组。


            """);
        foreach (var section in Sections(schema))
        {
            sb.Append(CultureInfo.InvariantCulture, $"## `{section.Key}` — {SectionTitle(section.Key)}\n\n");
            sb.Append("| 路径 | 类型 | 中文名称 | 单位 | 取值 |\n|---|---|---|---|---|\n");
            foreach (var f in section)
                sb.Append(CultureInfo.InvariantCulture, $"| `{f.Path}` | {TypeText(f.Type)} | {Cell(f.Label)} | {Cell(f.Unit ?? "")} | {Values(f)} |\n");
            sb.Append('\n');
        }
        sb.Append("## 枚举取值\n\n");
        var used = schema.FactList.Where(f => f.Type.Enum != null).Select(f => f.Type.Enum!).Distinct().OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var e in used)
        {
            sb.Append(CultureInfo.InvariantCulture, $"### `{e.Name}` — {Cell(e.Title)}{(e.Ordered ? "（有序，可比较大小，按下列顺序由低到高）" : "")}\n\n");
            bool parents = e.Members.Any(m => m.Parent != null);
            sb.Append(parents ? "| 代码 | 中文名称 | 所属 |\n|---|---|---|\n" : "| 代码 | 中文名称 |\n|---|---|\n");
            foreach (var m in e.Members)
                sb.Append(parents ? $"| `{m.Code}` | {Cell(m.Label)} | {(m.Parent != null ? $"`{m.Parent}`" : "")} |\n" : $"| `{m.Code}` | {Cell(m.Label)} |\n");
            sb.Append('\n');
        }
        if (schema.Sets.Count > 0)
        {
            sb.Append("## 命名集合（政策条件中使用）\n\n| 名称 | 中文名称 | 成员 | 依据 |\n|---|---|---|---|\n");
            foreach (var s in schema.Sets.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
                sb.Append(CultureInfo.InvariantCulture, $"| `{s.Name}` | {Cell(s.Title)} | {string.Join("、", s.Of.Members.Where(m => s.Members.Contains(m.Code)).Select(m => m.Label))} | {Cell(s.Source ?? "")} |\n");
            sb.Append('\n');
        }
        sb.Append("## 示例：衢州柯城区全职工作的全日制博士\n\n```json\n").Append(Example.Trim()).Append("\n```\n");
        return sb.ToString().Replace("\r\n", "\n");
    }

    private static string TypeText(Schema.ValueType t) => t.Base switch
    {
        BaseType.Bool => "是/否（true/false）",
        BaseType.Number => "数值",
        BaseType.Date => "日期",
        BaseType.Enum => $"枚举 `{t.Enum!.Name}`",
        BaseType.Set => $"枚举 `{t.Enum!.Name}`，可多选（数组）",
        _ => t.ToString(),
    };

    private static string Values(FactDef f) => f.Type.Base switch
    {
        BaseType.Number => (f.Min, f.Max) switch
        {
            (double a, double b) => $"{Num(a)} — {Num(b)}",
            (double a, null) => $"≥ {Num(a)}",
            (null, double b) => $"≤ {Num(b)}",
            _ => "",
        },
        BaseType.Date => "`yyyy-mm-dd`",
        BaseType.Bool => "`true` / `false`",
        _ when f.Type.Enum!.Members.Count <= 8 => string.Join("；", f.Type.Enum.Members.Select(m => $"`{m.Code}` {Cell(m.Label)}")),
        _ => $"见下文 `{f.Type.Enum!.Name}`（{f.Type.Enum.Members.Count} 项）",
    };

    private static string Num(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
