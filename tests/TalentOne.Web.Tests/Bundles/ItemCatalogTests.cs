using System.Text.Json.Nodes;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Registry.Cases;
using TalentOne.Web.Tests.Infrastructure;
using Xunit;

namespace TalentOne.Web.Tests.Bundles;

/// <summary>The item and bundle files (catalog/items, catalog/bundles): what loads, what is refused and where, and the
/// rules of the combined form, the once-only materials and the routing levels.</summary>
public sealed class ItemCatalogTests : IDisposable
{
    private readonly string _root = TestCatalog.CreateCopy();

    public ItemCatalogTests()
    {
        foreach (var d in new[] { ItemCatalog.ItemsFolder, ItemCatalog.BundlesFolder })
        {
            var dir = Path.Combine(_root, d);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
        }
    }

    public void Dispose() => TestCatalog.DeleteCopy(_root);

    private const string Id = "{id: identity_card, name: 居民身份证, core: true, accept: [jpg, pdf], max_size_mb: 5}";

    private static string Item(string id, string extra = "", string dept = "hrss", string materials = "", string fields = "", int days = 5) => $$"""
          - id: {{id}}
            name: 事项{{id}}
            city: quzhou
            department: {{dept}}
            limit_working_days: {{days}}
            source: {quote: 测试}
            materials: [{{materials}}]
            fields: [{{fields}}]
        {{extra}}
        """;

    private ItemCatalog Load(string items, string? bundles = null)
    {
        File.WriteAllText(Path.Combine(_root, "items", "test.yaml"), "document: 测试文件\nitems:\n" + items);
        if (bundles != null) File.WriteAllText(Path.Combine(_root, "bundles", "test.yaml"), "document: 测试文件\nbundles:\n" + bundles);
        return ItemCatalog.Load(CatalogLoader.Load(_root));
    }

    private IReadOnlyList<CatalogError> Errors(string items, string? bundles = null) =>
        Assert.Throws<CatalogException>(() => Load(items, bundles)).Errors;

    private static string Bundle(string id, params string[] items) => $"""
          - id: {id}
            name: 测试一件事
            city: quzhou
            source: {"{"}quote: 测试{"}"}
            items: [{string.Join(", ", items)}]

        """;

    [Fact]
    public void Unknown_department_policy_and_prerequisite_are_refused_at_their_line()
    {
        var errors = Errors(
            Item("a", dept: "tax_bureau") +
            Item("b", "    pays_out: [quzhou.no_such_policy]\n") +
            Item("c", "    prerequisites: [nowhere]\n"));
        Assert.Contains(errors, e => e.Message.Contains("unknown department kind 'tax_bureau'") && e.Pos.File.EndsWith("items/test.yaml") && e.Pos.Line == 6);
        Assert.Contains(errors, e => e.Message.Contains("unknown policy id 'quzhou.no_such_policy'") && e.Pos.Line > 10);
        Assert.Contains(errors, e => e.Message.Contains("unknown prerequisite 'nowhere'"));
    }

    [Fact]
    public void Duplicate_ids_conflicting_field_types_and_materials_are_refused()
    {
        var errors = Errors(
            Item("a", fields: "{id: x.count, label: 数量, type: number}", materials: Id) +
            Item("a") +
            Item("b", fields: "{id: x.count, label: 数量, type: text}", materials: "{id: identity_card, name: 身份证复印件}") +
            Item("c", fields: "{id: education.level, type: number}"));
        Assert.Contains(errors, e => e.Message == "duplicate item id 'a'");
        Assert.Contains(errors, e => e.Message.StartsWith("field 'x.count' is text in item 'b' but number in item 'a'"));
        Assert.Contains(errors, e => e.Message.StartsWith("material 'identity_card' is defined again with different attributes (name '身份证复印件' ≠ '居民身份证')"));
        Assert.Contains(errors, e => e.Message.Contains("field 'education.level' is the profile fact of type enum, not number"));
    }

    [Fact]
    public void A_core_material_cannot_be_deferrable_because_容缺受理_is_for_non_core_materials_only()
    {
        var errors = Errors(Item("a", materials: "{id: labour_contract, name: 劳动合同, core: true, deferrable: true}"));
        Assert.Contains(errors, e => e.Message.StartsWith("item 'a': material 'labour_contract' is core and deferrable") && e.Message.Contains("required: true"));
    }

    [Fact]
    public void A_cycle_in_prerequisites_is_refused_naming_the_cycle()
    {
        var errors = Errors(
            Item("a", "    prerequisites: [b]\n") + Item("b", "    prerequisites: [c]\n") + Item("c", "    prerequisites: [a]\n") + Item("d"),
            Bundle("quzhou.cyclic", "d", "a", "b", "c"));
        Assert.Contains(errors, e => e.Message == "prerequisites form a cycle: a → b → c → a");
        Assert.Contains(errors, e => e.Message == "bundle 'quzhou.cyclic' is refused: its prerequisites form a cycle: a → b → c → a" && e.Pos.File.EndsWith("bundles/test.yaml"));
    }

    [Fact]
    public void An_assumed_item_must_say_what_is_assumed_and_a_bundle_names_only_known_items()
    {
        var errors = Errors(Item("a", "    assumed: true\n"), Bundle("quzhou.b", "a", "ghost"));
        Assert.Contains(errors, e => e.Message.Contains("item 'a' is assumed: true — say in 'note' what is assumed"));
        Assert.Contains(errors, e => e.Message == "bundle 'quzhou.b': unknown item 'ghost'");
    }

    [Fact]
    public void Every_shipped_bundle_loads_with_its_items_and_existing_policies()
    {
        var policies = CatalogLoader.Load(Path.Combine(TestCatalog.RepoRoot, "catalog"));
        var catalog = ItemCatalog.Load(policies);
        string[] expected = ["hangzhou.graduate_startup", "qiantang.settle_down", "linhai.high_level_talent", "fuyang.employment", "wuyi.employment", "jinhua.high_level_talent"];
        foreach (var id in expected) Assert.True(catalog.BundleById.ContainsKey(id), $"bundle {id} is shipped");
        foreach (var item in catalog.Items)
        {
            foreach (var p in item.PaysOut) Assert.True(policies.ById.ContainsKey(p), $"{item.Id} pays out {p}");
            Assert.False(string.IsNullOrWhiteSpace(item.Source.Quote), $"{item.Id} quotes its source");
            if (item.Assumed) Assert.False(string.IsNullOrWhiteSpace(item.Note), $"{item.Id} says what is assumed");
        }
        var hz = catalog.BundleById["hangzhou.graduate_startup"];
        Assert.Equal(19, hz.Items.Count);
        Assert.Equal(8, hz.Items.Select(i => catalog.ItemById[i].DepartmentKind).Distinct().Count());
        Assert.Equal((125, 129, 16, 30), (hz.Before!.Materials, hz.Before.WorkingDays, hz.After!.Materials, hz.After.WorkingDays));
        Assert.Equal(8, catalog.BundleById["linhai.high_level_talent"].Items.Count);
        Assert.Equal(9, catalog.BundleById["wuyi.employment"].Items.Count);
        var qt = catalog.BundleById["qiantang.settle_down"];
        Assert.Equal((1, 4), (qt.Groups.Count(g => g.Kind == "main"), qt.Groups.Count(g => g.Kind == "branch")));
        foreach (var b in catalog.Bundles) // every bundle can be planned in full
            Assert.Equal(b.Items.Count, BundlePlanner.Plan(catalog, b, b.Items, null, new DateOnly(2020, 9, 1)).Items.Count());
    }

    private const string Diamond = """
          - id: top
            name: 顶
            city: quzhou
            department: hrss
            limit_working_days: 3
            source: {quote: 测试}
          - id: left
            name: 左
            city: quzhou
            department: public_security
            limit_working_days: 5
            prerequisites: [top]
            source: {quote: 测试}
          - id: right
            name: 右
            city: quzhou
            department: housing
            limit_working_days: 10
            prerequisites: [top]
            source: {quote: 测试}
          - id: bottom
            name: 底
            city: quzhou
            department: finance
            limit_working_days: 7
            prerequisites: [left, right]
            source: {quote: 测试}
          - id: alone
            name: 独立
            city: quzhou
            department: education
            limit_working_days: 2
            source: {quote: 测试}

        """;

    [Fact]
    public void Prerequisites_are_added_transitively_and_routed_in_levels()
    {
        var catalog = Load(Diamond, Bundle("quzhou.diamond", "top", "left", "right", "bottom", "alone"));
        var bundle = catalog.BundleById["quzhou.diamond"];

        var plan = BundlePlanner.Plan(catalog, bundle, ["bottom"], null, new DateOnly(2020, 9, 1));
        Assert.Equal(["bottom"], plan.Chosen.Select(i => i.Id));
        Assert.Equal(["left", "right", "top"], plan.Added.Select(a => a.Item.Id).Order());
        Assert.Equal("left", plan.Added.Single(a => a.Item.Id == "top").NeededBy);
        // diamond: top, then left ∥ right, then bottom; the slowest of each level counts: 3 + 10 + 7
        Assert.Equal([["top"], ["left", "right"], ["bottom"]], plan.Levels.Select(l => l.Select(i => i.Id).ToArray()));
        Assert.Equal(20, plan.SerialWorkingDays);
        Assert.Equal(25, plan.SumWorkingDays);

        var serial = BundlePlanner.Plan(catalog, bundle, ["left"], null, new DateOnly(2020, 9, 1));
        Assert.Equal([["top"], ["left"]], serial.Levels.Select(l => l.Select(i => i.Id).ToArray()));

        var parallel = BundlePlanner.Plan(catalog, bundle, ["alone", "top"], null, new DateOnly(2020, 9, 1));
        Assert.Single(parallel.Levels);
        Assert.Equal(["alone", "top"], parallel.Levels[0].Select(i => i.Id));

        var wrong = Assert.Throws<PlanException>(() => BundlePlanner.Plan(catalog, bundle, ["nope"], null, new DateOnly(2020, 9, 1)));
        Assert.Equal("事项“nope”不属于“测试一件事”", wrong.Errors.Single().Message);
        Assert.Equal("请至少勾选一个事项", Assert.Throws<PlanException>(() => BundlePlanner.Plan(catalog, bundle, [], null, new DateOnly(2020, 9, 1))).Errors.Single().Message);
    }

    private const string FormItems = """
          - id: one
            name: 一
            city: quzhou
            department: hrss
            limit_working_days: 3
            source: {quote: 测试}
            materials:
              - {id: identity_card, name: 居民身份证, required: true, waivable_by_commitment: true, deferrable: true, accept: [jpg]}
              - {id: diploma, name: 学历证书, core: false, waivable_by_commitment: true, deferrable: true}
            fields:
              - {id: applicant.name, label: 姓名, type: text, required: false, max_length: 30}
              - {id: project.size, label: 规模, type: number, min: 1, max: 100}
              - {id: education.level}
              - {id: applicant.code, label: 编码, type: text, pattern: '^[A-Z]+$'}
          - id: two
            name: 二
            city: quzhou
            department: housing
            limit_working_days: 3
            prerequisites: [one]
            source: {quote: 测试}
            materials:
              - {id: identity_card, core: false, waivable_by_commitment: false, deferrable: true}
              - {id: diploma, core: false, waivable_by_commitment: true, deferrable: false}
              - {id: "result:one"}
            fields:
              - {id: applicant.name, label: 姓名, type: text, required: true, max_length: 20}
              - {id: project.size, label: 规模, type: number, min: 5, max: 200}
              - {id: education.level, required: true}
              - {id: applicant.code, label: 编码, type: text, pattern: '^.{3}$'}

        """;

    [Fact]
    public void The_combined_form_merges_fields_and_materials_by_the_stricter_rule_and_counts_what_was_saved()
    {
        var catalog = Load(FormItems, Bundle("quzhou.form", "one", "two"));
        var profile = """{"subject": {"kind": "person"}, "education": {"level": "master"}, "work": {"city": "quzhou"}}""";
        var plan = BundlePlanner.Plan(catalog, catalog.BundleById["quzhou.form"], ["two"], profile, new DateOnly(2020, 9, 1));
        var form = plan.Form;

        Assert.Equal("2 张表 · 8 项 → 1 张表 · 4 项", form.Counts.Text);
        var name = form.Fields.Single(f => f.Field.Id == "applicant.name");
        Assert.True(name.Field.Required);                // required if any item requires it
        Assert.Equal(20, name.Field.MaxLength);          // the shorter limit
        var size = form.Fields.Single(f => f.Field.Id == "project.size").Field;
        Assert.Equal((5.0, 100.0), (size.Min, size.Max)); // the narrower range
        Assert.Equal(2, form.Fields.Single(f => f.Field.Id == "applicant.code").Field.Patterns.Count);
        var level = form.Fields.Single(f => f.Field.Id == "education.level");
        Assert.Equal("master", level.Prefill!.GetValue<string>()); // prefilled from the profile
        Assert.True(level.Field.FromProfile);
        Assert.Equal(["one", "two"], level.Items);

        // once-only: required if any says so; 容缺 and 承诺免提交 only if all allow; the result of "one" is passed on, not uploaded
        var id = form.Materials.Single(m => m.Material.Id == "identity_card").Material;
        Assert.Equal((false, true, true, false), (id.Core, id.Required, id.Deferrable, id.WaivableByCommitment));
        Assert.Equal("居民身份证", id.Name);
        var diploma = form.Materials.Single(m => m.Material.Id == "diploma").Material;
        Assert.Equal((false, false, false, true), (diploma.Core, diploma.Required, diploma.Deferrable, diploma.WaivableByCommitment));
        Assert.DoesNotContain(form.Materials, m => m.Material.Id == "result:one");
        Assert.Equal("5 份材料 → 2 份", form.Counts.MaterialsText);
    }

    [Fact]
    public void Submitted_values_are_checked_against_the_merged_fields_in_Chinese()
    {
        var catalog = Load(FormItems, Bundle("quzhou.form", "one", "two"));
        var form = BundlePlanner.Plan(catalog, catalog.BundleById["quzhou.form"], ["two"], null, new DateOnly(2020, 9, 1)).Form;
        var errors = BundlePlanner.Validate(form, new JsonObject
        {
            ["applicant.name"] = new string('张', 21),
            ["project.size"] = 3,
            ["education.level"] = "wizard",
            ["applicant.code"] = "ABCD",
            ["extra"] = "x",
        }).ToDictionary(e => e.Field, e => e.Message);
        Assert.Equal("“姓名”不能超过 20 个字", errors["applicant.name"]);
        Assert.Equal("“规模”不能小于 5", errors["project.size"]);
        Assert.StartsWith("“最高学历”不是可选的值：", errors["education.level"]);
        Assert.Equal("“编码”格式不正确", errors["applicant.code"]);
        Assert.Equal("表单中没有这一项", errors["extra"]);

        Assert.Equal("请填写“姓名”", BundlePlanner.Validate(form, new JsonObject { ["education.level"] = "master" }).Single().Message);
        Assert.Empty(BundlePlanner.Validate(form, new JsonObject
        {
            ["applicant.name"] = "李四", ["project.size"] = "50", ["education.level"] = "master", ["applicant.code"] = "ABC",
        }));
    }
}
