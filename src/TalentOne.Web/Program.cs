using TalentOne.Data;
using TalentOne.Web.Features.Accounts;
using TalentOne.Web.Features.Calendar;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Certification;
using TalentOne.Web.Features.Codes;
using TalentOne.Web.Features.Records;
using TalentOne.Web.Features.Roster;
using TalentOne.Web.Features.Exports;
using TalentOne.Web.Features.Eligibility;
using TalentOne.Web.Features.Parameters;
using TalentOne.Web.Features.Sweeps;
using TalentOne.Web.Features.Bundles;
using TalentOne.Web.Features.Ledger;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Features.Deferral;
using TalentOne.Web.Features.Supervision;
using TalentOne.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddWebPlatform();
builder.AddTalentOneData();
builder.AddCatalog();
builder.AddPlatformAuth();
builder.AddCertification();
builder.AddRoster();
builder.AddSweeps();
builder.AddCalendar();
builder.AddBundles();
builder.AddLedgerFeature();
builder.AddCases();
builder.AddDeferral();
builder.AddSupervision();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseErrorHandling();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter(); // endpoint policies only: 一件事 submissions (Features/Cases/SubmissionLimit.cs)

app.MapCatalogApi();
app.MapEligibilityApi();
app.MapParametersApi();
app.MapAccountsApi();
app.MapRegistryApi();
app.MapCertificationApi();
app.MapRosterApi().MapPackageExports();
app.MapCodesApi();
app.MapSweepsApi();
app.MapCalendarApi();
app.MapBundlesApi();
app.MapLedgerApi();
app.MapCasesApi();
app.MapDeferralApi();
app.MapSupervisionApi();
app.MapApiDocs();
app.MapWebPages();

app.Run();

public partial class Program;
