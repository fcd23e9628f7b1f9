namespace TalentOne.Registry.Cases;

/// <summary>Work the platform does once a day over open cases: cards for tasks and steps near or past their due date,
/// reminders and termination of deferred (容缺) materials… Every job is idempotent for a day: running it twice on the
/// same date changes nothing the second time, so a crash or a manual re-run is harmless.</summary>
public interface ICaseDailyJob
{
    /// <summary>A short English name for logs and the run report (e.g. "cards").</summary>
    string Name { get; }

    /// <summary>Runs the job for <see cref="CaseContext.Today"/>; returns a one-line summary in Chinese.</summary>
    Task<string> RunAsync(CaseContext cx, CancellationToken ct);
}
