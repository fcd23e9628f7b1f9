using Microsoft.Extensions.DependencyInjection;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;

namespace TalentOne.Cli;

/// <summary>`admin create`: the first talent-office administrator (later ones are created in the web UI). The password
/// is read from $TALENTONE_ADMIN_PASSWORD or standard input, never from the command line (it would stay in the
/// shell's history and the process list).</summary>
public static class AdminCommands
{
    public static async Task<int> CreateAsync(Dictionary<string, string> o, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (!o.TryGetValue("user", out var userName)) { await stderr.WriteLineAsync("缺少 --user 用户名"); return 2; }
        var display = o.GetValueOrDefault("name", "人才办管理员");
        var password = Environment.GetEnvironmentVariable("TALENTONE_ADMIN_PASSWORD");
        if (string.IsNullOrEmpty(password))
        {
            if (!Console.IsInputRedirected) await stdout.WriteAsync("密码（至少 10 位，含字母和数字）：");
            password = ReadSecret(stdin);
        }
        await using var platform = await PlatformHost.StartAsync(o);
        await using var scope = platform.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        try
        {
            var user = await accounts.CreateStaffAsync(new StaffAccount(userName, display, Roles.Admin, o.GetValueOrDefault("department"), null, password ?? ""), "command line", default);
            await stdout.WriteLineAsync($"已创建人才办管理员账号 {user.UserName}");
            return 0;
        }
        catch (RegistryException re)
        {
            foreach (var e in re.Errors) await stderr.WriteLineAsync($"{e.Field}: {e.Message}");
            return re.Status == 409 ? 1 : 2;
        }
    }

    private static string? ReadSecret(TextReader stdin)
    {
        if (Console.IsInputRedirected || !ReferenceEquals(stdin, Console.In)) return stdin.ReadLine();
        var chars = new System.Text.StringBuilder();
        for (ConsoleKeyInfo k; (k = Console.ReadKey(intercept: true)).Key != ConsoleKey.Enter;)
            if (k.Key == ConsoleKey.Backspace) { if (chars.Length > 0) chars.Length--; }
            else chars.Append(k.KeyChar);
        Console.WriteLine();
        return chars.ToString();
    }
}
