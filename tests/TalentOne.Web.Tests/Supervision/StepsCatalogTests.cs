using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Registry.Cases;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Supervision;

/// <summary>`steps:` of an item file (环节时限): the default when absent, what loads, and what the loader refuses — in
/// Chinese, at the line of the item file.</summary>
public sealed class StepsCatalogTests : IDisposable
{
    private readonly string _root = TestCatalog.CreateCopy();

    public StepsCatalogTests()
    {
        foreach (var d in new[] { ItemCatalog.ItemsFolder, ItemCatalog.BundlesFolder })
        {
            var dir = Path.Combine(_root, d);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
        }
    }

    public void Dispose() => TestCatalog.DeleteCopy(_root);

    private ItemCatalog Load(int limit, string steps)
    {
        File.WriteAllText(Path.Combine(_root, "items", "test.yaml"), $"""
            document: 测试文件
            items:
              - id: t.item
                name: 测试事项
                city: quzhou
                department: hrss
                limit_working_days: {limit}
                source: {"{"}quote: 测试{"}"}
            {steps}
            """);
        return ItemCatalog.Load(CatalogLoader.Load(_root));
    }

    private IReadOnlyList<CatalogError> Errors(int limit, string steps) => Assert.Throws<CatalogException>(() => Load(limit, steps)).Errors;

    [Fact]
    public void Without_steps_an_item_gets_one_working_day_to_be_claimed_and_the_rest_to_be_decided()
    {
        Assert.Equal(new[] { new ItemStep("受理认领", 1), new ItemStep("审查办结", 19) }, Load(20, "").ItemById["t.item"].Steps);
        Assert.Equal(new[] { new ItemStep("受理认领", 1), new ItemStep("审查办结", 0) }, Load(1, "").ItemById["t.item"].Steps);
    }

    [Fact]
    public void Steps_of_the_item_file_are_loaded_in_order()
    {
        var steps = Load(10, """
                steps:
                  - {name: 窗口受理, limit_working_days: 2}
                  - {name: 联合审查, limit_working_days: 7}
            """).ItemById["t.item"].Steps;
        Assert.Equal(new[] { new ItemStep("窗口受理", 2), new ItemStep("联合审查", 7) }, steps);
    }

    [Fact]
    public void Steps_longer_than_the_item_are_refused_in_Chinese_at_their_line()
    {
        var errors = Errors(5, """
                steps:
                  - {name: 受理, limit_working_days: 2}
                  - {name: 审查, limit_working_days: 4}
            """);
        var e = Assert.Single(errors);
        Assert.Equal("事项“t.item”各环节时限之和为 6 个工作日（受理 2 + 审查 4），超过事项的办理时限 5 个工作日", e.Message);
        Assert.EndsWith("items/test.yaml", e.Pos.File);
        Assert.Equal(10, e.Pos.Line);
    }

    [Theory]
    [InlineData("steps: [{name: 受理, limit_working_days: 2}]", "应恰好列出两个环节")]
    [InlineData("steps: [{name: 受理, limit_working_days: 1}, {name: 审查, limit_working_days: 1}, {name: 决定, limit_working_days: 1}]", "应恰好列出两个环节")]
    [InlineData("steps: 受理", "steps 应为列表")]
    [InlineData("steps: [{name: 受理, limit_working_days: -1}, {name: 审查, limit_working_days: 2}]", "应为不小于 0 的整数")]
    [InlineData("steps: [{name: 受理, limit_working_days: 1.5}, {name: 审查, limit_working_days: 2}]", "应为不小于 0 的整数")]
    [InlineData("steps: [{limit_working_days: 1}, {name: 审查, limit_working_days: 2}]", "环节缺少名称")]
    [InlineData("steps: [{name: 审查, limit_working_days: 1}, {name: 审查, limit_working_days: 2}]", "两个环节不能同名")]
    [InlineData("steps: [{name: 受理, days: 1}, {name: 审查, limit_working_days: 2}]", "未知的键“days”")]
    public void Malformed_steps_are_refused_with_a_Chinese_message(string steps, string message)
    {
        var errors = Errors(5, "    " + steps);
        Assert.Contains(errors, e => e.Message.Contains(message, StringComparison.Ordinal) && e.Message.Contains("t.item", StringComparison.Ordinal));
    }
}
