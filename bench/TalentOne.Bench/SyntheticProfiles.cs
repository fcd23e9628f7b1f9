using System.Buffers;
using System.Text;
using System.Text.Json;
using TalentOne.Policies.Batch;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Profiles;
using TalentOne.Policies.Schema;

namespace TalentOne.Bench;

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, well-mixed 64-bit generator.</summary>
public struct SplitMix64(ulong seed)
{
    private ulong _s = seed;

    public ulong Next()
    {
        ulong z = _s += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Mix(ulong x) => new SplitMix64(x).Next();

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double Uniform() => (Next() >> 11) * (1.0 / (1UL << 53));
    /// <summary>Uniform integer in [lo, hi] (inclusive).</summary>
    public int Int(int lo, int hi) => lo + (int)(Uniform() * (hi - lo + 1));
    public bool Chance(double p) => Uniform() < p;

    public double Normal()
    {
        double u1 = 1.0 - Uniform(), u2 = Uniform();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());
}

/// <summary>
/// Deterministic synthetic profiles for the REAL catalog (catalog/): profile <c>i</c> depends only on the seed and
/// <c>i</c>, so any slice can be generated on any thread. Facts are looked up by path in the loaded schema and enum
/// members by code, so the generator keeps working as the catalog grows: facts it does not know get a generic value
/// by type, facts and codes that no longer exist are skipped.
/// <para>Distributions (evaluation date D, default 2020-06-01): 90 % persons, 10 % enterprises/organisations;
/// work city over all 11 cities weighted by size, county uniform within the city; education, titles, skill levels,
/// talent classes and honours at realistic (rare at the top) rates; birth, graduation, employment, social
/// insurance, purchase, move-in dates consistent with each other and D; salary and house prices log-normal; every
/// fact that a real applicant often leaves blank is unknown (NaN) at its own rate (2–95 %).</para>
/// With <see cref="FullyKnown"/> every fact of the profile's kind is known (for comparing two-valued engines).
/// </summary>
public sealed class SyntheticProfiles
{
    public const ulong DefaultSeed = 20240601;
    public static readonly DateOnly DefaultDate = new(2020, 6, 1);

    public PolicyCatalog Catalog { get; }
    public DateOnly Date { get; }
    public ulong Seed { get; }
    public double EnterpriseShare { get; }
    public bool FullyKnown { get; }

    private readonly ProfileSchema _schema;
    private readonly int _d;                  // evaluation day number
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);
    private readonly FactDef[] _genericPerson, _genericEnterprise;
    private readonly Dictionary<int, int[]> _countiesOfCity = [];
    private readonly int[] _zhejiangCities;

    // ---- facts (null when the catalog has no such fact) ----
    private readonly Fact _kind, _birth, _hukou, _originRegion, _originCity, _fromHubei, _returnee, _title, _skill, _honours,
        _talentClass, _qzTier, _selfApplied, _programGrant, _awardPrize, _localContribution, _selfTravel, _projectCity,
        _commendation, _projectLanded, _projectYear, _contestAward;
    private readonly Fact _eduLevel, _eduFullTime, _dfc, _shortage, _gradDate, _overseasDegree, _fresh, _campusDelayed,
        _medicalMajor, _qzCollege, _qzCustom;
    private readonly Fact _status, _empFullTime, _start, _firstJob, _agreementYears, _salary, _post, _professional, _frontline,
        _aidHubei, _aidDays, _frontlineOutstanding, _internship, _postdoc, _shortageFrontline;
    private readonly Fact _workCity, _workCounty, _employerType, _ownership, _industry, _keyIndustry, _siStart;
    private readonly Fact _housing, _ownedBefore, _purchaseDate, _purchasePrice, _purchaseArea, _firstPurchase, _saleDate,
        _rent, _moveIn, _leaseEnd, _deadlineMissed, _ticketDate, _talentHousing, _purchaseCity, _subsidyReceived;
    private readonly Fact _eCity, _eCounty, _eRegistered, _eType, _eOwnership, _eIndustry, _eKeyIndustry, _eFounded,
        _eFrontlineStaff, _eAbsentSalary, _eReceivesSubsidy, _eRentRelief, _ePlacedDoc, _ePlacedMaster, _ePlacedBachelor,
        _eHeadhunter, _eAgreementCity, _eStationTalents, _eWzRating, _eHirePost, _eHireGrade, _eHireFirst, _eStatePremises,
        _ePrograms, _eInFunding, _eShuangling, _eShuanglingDate, _eShuanglingUp, _eLocalContribution, _eKeyTech,
        _eTalentSalary, _eWorkstation, _eAcademicians, _eExcellentAward, _ePostdocStation, _eStreaming, _eStreamers,
        _eFairFee, _eNationalTalents, _eProvincialTalents;

    // ---- weighted choices (codes missing from the catalog are dropped) ----
    private readonly Choice _cityW, _statusW, _levelW, _levelStudentW, _titleW, _titleYoungW, _skillW, _classW, _originW,
        _postW, _employerW, _ownershipW, _housingW, _contestW, _eTypeEnterpriseW, _eTypeOrgW, _wzRatingW, _hirePostW, _hireGradeW,
        _shuanglingW, _postdocStationW, _industryW;
    private readonly (int Slot, double Weight, string Code)[] _honourMembers;
    private readonly (int Slot, string Code)[] _programMembers;
    private readonly string[] _cityCodes, _countyCodes;

    public SyntheticProfiles(PolicyCatalog catalog, DateOnly? date = null, ulong seed = DefaultSeed,
        double enterpriseShare = 0.10, bool fullyKnown = false)
    {
        Catalog = catalog;
        _schema = catalog.Schema;
        Date = date ?? DefaultDate;
        _d = Date.DayNumber;
        Seed = seed;
        EnterpriseShare = enterpriseShare;
        FullyKnown = fullyKnown;

        _kind = F("subject.kind");
        _birth = F("person.birthDate"); _hukou = F("person.hukouCity"); _originRegion = F("person.originRegion");
        _originCity = F("person.originCity"); _fromHubei = F("person.fromHubei"); _returnee = F("person.overseasReturnee");
        _title = F("person.title"); _skill = F("person.skillLevel"); _honours = F("person.honours");
        _talentClass = F("person.talentClass"); _qzTier = F("person.quzhouTalentTier");
        _selfApplied = F("person.talentProgramSelfApplied"); _programGrant = F("person.talentProgramGrant");
        _awardPrize = F("person.awardPrizeAmount"); _localContribution = F("person.localContribution");
        _selfTravel = F("person.selfArrangedTravel"); _projectCity = F("person.projectVisitCity");
        _commendation = F("person.cityEpidemicCommendation"); _projectLanded = F("person.talentProjectLanded");
        _projectYear = F("person.talentProjectSelectedYear"); _contestAward = F("person.hangzhouContestAward");

        _eduLevel = F("education.level"); _eduFullTime = F("education.fullTime"); _dfc = F("education.doubleFirstClass");
        _shortage = F("education.shortageMajor"); _gradDate = F("education.graduationDate");
        _overseasDegree = F("education.overseasDegree"); _fresh = F("education.freshGraduate");
        _campusDelayed = F("education.campusReturnDelayed"); _medicalMajor = F("education.medicalMajor");
        _qzCollege = F("education.quzhouCollegeGraduate"); _qzCustom = F("education.quzhouCustomisedClass");

        _status = F("employment.status"); _empFullTime = F("employment.fullTime"); _start = F("employment.startDate");
        _firstJob = F("employment.firstJobInCity"); _agreementYears = F("employment.serviceAgreementYears");
        _salary = F("employment.annualSalary"); _post = F("employment.post"); _professional = F("employment.professionalPost");
        _frontline = F("employment.frontlineEpidemic"); _aidHubei = F("employment.aidHubeiMedical");
        _aidDays = F("employment.aidHubeiDays"); _frontlineOutstanding = F("employment.frontlineOutstanding");
        _internship = F("employment.internship"); _postdoc = F("employment.postdocInStation");
        _shortageFrontline = F("employment.shortageOccupationFrontline");

        _workCity = F("work.city"); _workCounty = F("work.county");
        _employerType = F("employer.type"); _ownership = F("employer.ownership"); _industry = F("employer.industry");
        _keyIndustry = F("employer.keyIndustry"); _siStart = F("socialInsurance.startDate");

        _housing = F("housing.status"); _ownedBefore = F("housing.ownedHomeBefore"); _purchaseDate = F("housing.purchaseDate");
        _purchasePrice = F("housing.purchasePrice"); _purchaseArea = F("housing.purchaseArea");
        _firstPurchase = F("housing.firstPurchase"); _saleDate = F("housing.saleDate"); _rent = F("housing.monthlyRent");
        _moveIn = F("housing.moveInDate"); _leaseEnd = F("housing.leaseEndDate");
        _deadlineMissed = F("housing.subsidyDeadlineMissed"); _ticketDate = F("housing.houseTicketDate");
        _talentHousing = F("housing.talentHousingProject"); _purchaseCity = F("housing.purchaseCity");
        _subsidyReceived = F("housing.purchaseSubsidyReceived");

        _eCity = F("enterprise.city"); _eCounty = F("enterprise.county"); _eRegistered = F("enterprise.registeredDate");
        _eType = F("enterprise.type"); _eOwnership = F("enterprise.ownership"); _eIndustry = F("enterprise.industry");
        _eKeyIndustry = F("enterprise.keyIndustry"); _eFounded = F("enterprise.talentFounded");
        _eFrontlineStaff = F("enterprise.frontlineStaffCount"); _eAbsentSalary = F("enterprise.epidemicAbsentTalentSalaryPaid");
        _eReceivesSubsidy = F("enterprise.receivesTalentSalarySubsidy"); _eRentRelief = F("enterprise.epidemicRentReliefReceived");
        _ePlacedDoc = F("enterprise.agencyPlacedDoctorates"); _ePlacedMaster = F("enterprise.agencyPlacedMasters");
        _ePlacedBachelor = F("enterprise.agencyPlacedBachelors"); _eHeadhunter = F("enterprise.headhunterIntroducedTalents");
        _eAgreementCity = F("enterprise.recruitmentAgreementCity"); _eStationTalents = F("enterprise.stationIntroducedTalents");
        _eWzRating = F("enterprise.wzHrCampaignRating"); _eHirePost = F("enterprise.hirePost");
        _eHireGrade = F("enterprise.hireNmeGrade"); _eHireFirst = F("enterprise.hireFirstDate");
        _eStatePremises = F("enterprise.rentsStateOwnedPremises"); _ePrograms = F("enterprise.talentPrograms");
        _eInFunding = F("enterprise.talentProgramInFunding"); _eShuangling = F("enterprise.shuanglingClass");
        _eShuanglingDate = F("enterprise.shuanglingRatedDate"); _eShuanglingUp = F("enterprise.shuanglingUpgraded");
        _eLocalContribution = F("enterprise.localContribution"); _eKeyTech = F("enterprise.keyTechTalentIntroduced");
        _eTalentSalary = F("enterprise.highLevelTalentSalaryPaid"); _eWorkstation = F("enterprise.academicianWorkstation");
        _eAcademicians = F("enterprise.academiciansIntroduced"); _eExcellentAward = F("enterprise.excellentWorkstationAward");
        _ePostdocStation = F("enterprise.postdocStationLevel"); _eStreaming = F("enterprise.liveStreamingOperator");
        _eStreamers = F("enterprise.starStreamersTrained"); _eFairFee = F("enterprise.recruitmentFairFee");
        _eNationalTalents = F("enterprise.nationalProgramTalents"); _eProvincialTalents = F("enterprise.provincialProgramTalents");

        // Work places: roughly by each city's share of Zhejiang's employed population.
        _cityW = C(_workCity, ("hangzhou", 24), ("ningbo", 16), ("wenzhou", 14), ("jiaxing", 9), ("huzhou", 6), ("shaoxing", 9),
            ("jinhua", 11), ("quzhou", 4), ("zhoushan", 2), ("taizhou", 10), ("lishui", 4));
        var cityEnum = (_workCity.Def ?? _eCity.Def)?.Type.Enum;
        var countyEnum = (_workCounty.Def ?? _eCounty.Def)?.Type.Enum;
        _cityCodes = cityEnum?.Members.Select(m => m.Code).ToArray() ?? [];
        _countyCodes = countyEnum?.Members.Select(m => m.Code).ToArray() ?? [];
        _zhejiangCities = cityEnum?.Members.Where(m => m.Code != "outside_zhejiang").Select(m => m.Index).ToArray() ?? [];
        if (cityEnum != null && countyEnum != null)
            foreach (var g in countyEnum.Members.Where(m => m.Parent != null && cityEnum.Find(m.Parent) != null).GroupBy(m => cityEnum.Find(m.Parent!)!.Index))
                _countiesOfCity[g.Key] = g.Select(m => m.Index).ToArray();

        _statusW = C(_status, ("employed", 80), ("self_employed", 7), ("flexible", 4), ("unemployed", 3), ("student", 6));
        _levelW = C(_eduLevel, ("none", 1), ("secondary", 14), ("associate", 25), ("bachelor", 37), ("master", 17), ("doctorate", 6));
        _levelStudentW = C(_eduLevel, ("secondary", 10), ("associate", 30), ("bachelor", 40), ("master", 15), ("doctorate", 5));
        _titleW = C(_title, ("none", 45), ("junior", 22), ("intermediate", 18), ("associate_senior", 10), ("senior", 5));
        _titleYoungW = C(_title, ("none", 70), ("junior", 25), ("intermediate", 5));
        _skillW = C(_skill, ("none", 70), ("grade5", 8), ("grade4", 8), ("grade3", 7), ("technician", 5), ("senior_technician", 2));
        _classW = C(_talentClass, ("none", 850), ("F", 50), ("E", 40), ("D", 35), ("C", 17), ("B", 6), ("A", 2));
        _originW = C(_originRegion, ("zhejiang", 60), ("east_china", 25), ("other", 15));
        _postW = C(_post, ("none", 45), ("teacher", 8), ("doctor", 5), ("nurse", 4), ("medical_other", 3), ("researcher", 5),
            ("engineer", 12), ("programmer", 7), ("industrial_designer", 1), ("skilled_worker", 6), ("manager", 3), ("social_worker", 1));
        _employerW = C(_employerType, ("enterprise", 70), ("public_institution", 6), ("government", 4), ("university", 3),
            ("research_institute", 2), ("hospital", 5), ("school", 5), ("social_organisation", 2), ("hr_agency", 1), ("other", 2));
        _ownershipW = C(_ownership, ("private", 60), ("state_owned", 25), ("foreign", 8), ("collective", 3), ("other", 4));
        var industry = _industry.Exists ? _industry : _eIndustry;
        _industryW = C(industry, industry.Def?.Type.Enum?.Members.Select(m => (m.Code, 1.0)).ToArray() ?? []);
        _housingW = C(_housing, ("none", 15), ("renting", 40), ("talent_apartment", 7), ("owns_home", 38));
        _contestW = C(_contestAward, ("none", 900), ("merit", 50), ("third", 30), ("second", 15), ("first", 5));
        _eTypeEnterpriseW = C(_eType, ("enterprise", 85), ("hr_agency", 8), ("recruitment_station", 3), ("other", 4));
        _eTypeOrgW = C(_eType, ("government", 20), ("public_institution", 30), ("hospital", 20), ("school", 15), ("university", 10),
            ("research_institute", 5), ("social_organisation", 5));
        _wzRatingW = C(_eWzRating, ("none", 60), ("some", 25), ("major", 10), ("outstanding", 5));
        _hirePostW = C(_eHirePost, ("engineer", 40), ("programmer", 25), ("industrial_designer", 5), ("researcher", 10), ("manager", 10), ("none", 10));
        _hireGradeW = C(_eHireGrade, ("none", 70), ("intermediate", 10), ("associate_senior", 15), ("senior", 5));
        _shuanglingW = C(_eShuangling, ("none", 70), ("C", 15), ("B", 10), ("A", 5));
        _postdocStationW = C(_ePostdocStation, ("none", 85), ("city", 7), ("provincial", 6), ("national", 2));

        // Honours: national titles are rare, provincial less so, city-level ones most common.
        _honourMembers = _honours.Def?.Type.Enum?.Members.Select(m => (_honours.Def.Slot + m.Index, HonourWeight(m.Code), m.Code)).ToArray() ?? [];
        _programMembers = _ePrograms.Def?.Type.Enum?.Members.Select(m => (_ePrograms.Def.Slot + m.Index, m.Code)).ToArray() ?? [];

        // every other fact gets a generic value by its type
        _genericPerson = _schema.FactList.Where(f => !_handled.Contains(f.Path) && !f.Path.StartsWith("enterprise.", StringComparison.Ordinal)
            && !f.Path.StartsWith("subject.", StringComparison.Ordinal)).ToArray();
        _genericEnterprise = _schema.FactList.Where(f => !_handled.Contains(f.Path) && f.Path.StartsWith("enterprise.", StringComparison.Ordinal)).ToArray();
    }

    private static double HonourWeight(string code)
    {
        if (code is "academician" or "global_top_talent" or "kunpeng") return 0.05;
        if (code.StartsWith("national", StringComparison.Ordinal) || code is "changjiang_scholar" or "nsfc_distinguished_young" or "four_batches_talent") return 0.2;
        if (code.StartsWith("provincial", StringComparison.Ordinal) || code is "qianjiang_scholar" or "state_council_allowance") return 0.5;
        return 2.0;
    }

    /// <summary>Facts of the schema the generator fills with a generic value (unknown to it by name).</summary>
    public IReadOnlyList<string> GenericFacts => _genericPerson.Concat(_genericEnterprise).Select(f => f.Path).ToList();

    // ------------------------------------------------------------------------------------------------------------

    public sealed class Fact(FactDef? def)
    {
        public FactDef? Def { get; } = def;
        public bool Exists => Def != null;
        public int Slot => Def?.Slot ?? -1;
        public int Code(string code) => Def?.Type.Enum?.Find(code)?.Index ?? -1;
    }

    private Fact F(string path)
    {
        _handled.Add(path);
        return new Fact(_schema.Facts.GetValueOrDefault(path));
    }

    private sealed class Choice(int[] codes, double[] cumulative)
    {
        public readonly int[] Codes = codes;
        public readonly double[] Cumulative = cumulative;
        public int Pick(ref SplitMix64 r)
        {
            if (Codes.Length == 0) return -1;
            double u = r.Uniform() * Cumulative[^1];
            for (int k = 0; k < Codes.Length; k++) if (u < Cumulative[k]) return Codes[k];
            return Codes[^1];
        }
    }

    private static Choice C(Fact f, params (string Code, double Weight)[] items)
    {
        var codes = new List<int>(); var cum = new List<double>(); double s = 0;
        foreach (var (code, w) in items)
        {
            int idx = f.Code(code);
            if (idx < 0) continue;
            s += w; codes.Add(idx); cum.Add(s);
        }
        return new Choice([.. codes], [.. cum]);
    }

    private static void Set(Span<double> row, Fact f, double v)
    {
        if (f.Def is not { } d || double.IsNaN(v)) return;
        if (d.Type.Base == BaseType.Number)
        {
            if (d.Min is double min && v < min) v = min;
            if (d.Max is double max && v > max) v = max;
        }
        row[d.Slot] = v;
    }

    private static void SetBool(Span<double> row, Fact f, bool v) => Set(row, f, v ? 1 : 0);
    private static void SetCode(Span<double> row, Fact f, int code) { if (code >= 0) Set(row, f, code); }

    /// <summary>Is a fact answered? Always in <see cref="FullyKnown"/> mode; otherwise with probability 1 − unknownRate.</summary>
    private bool Known(ref SplitMix64 r, double unknownRate) => FullyKnown || r.Uniform() >= unknownRate;

    private static double RoundTo(double x, double unit) => Math.Round(x / unit) * unit;
    private static int AddYears(int day, int years) => DateOnly.FromDayNumber(day).AddYears(years).DayNumber;

    private SplitMix64 Rng(long index) => new(SplitMix64.Mix(Seed ^ ((ulong)index * 0xD1B54A32D192ED03UL)));

    /// <summary>The kind of profile <paramref name="index"/> (cheap: no other draw needed).</summary>
    public Applicant KindOf(long index)
    {
        double u = (SplitMix64.Mix(Seed + 0x5EED_0000_0000UL + (ulong)index) >> 11) * (1.0 / (1UL << 53));
        if (u >= EnterpriseShare || !_kind.Exists) return Applicant.Person;
        return u < EnterpriseShare * 0.9 ? Applicant.Enterprise : Applicant.Organisation;
    }

    /// <summary>Writes profile <paramref name="index"/> into <paramref name="row"/> (at least SlotCount wide; NaN = unknown).</summary>
    public Applicant Generate(long index, Span<double> row)
    {
        row.Fill(double.NaN);
        var kind = KindOf(index);
        var r = Rng(index);
        SetCode(row, _kind, _kind.Code(kind switch { Applicant.Enterprise => "enterprise", Applicant.Organisation => "organisation", _ => "person" }));
        if (kind == Applicant.Person) Person(ref r, row);
        else Enterprise(ref r, row, kind);
        foreach (var f in kind == Applicant.Person ? _genericPerson : _genericEnterprise) Generic(ref r, row, f);
        return kind;
    }

    private int PickCity(ref SplitMix64 r) => _cityW.Pick(ref r);

    private int PickCounty(ref SplitMix64 r, int city) =>
        city >= 0 && _countiesOfCity.TryGetValue(city, out var cs) ? cs[r.Int(0, cs.Length - 1)] : -1;

    private int OtherZhejiangCity(ref SplitMix64 r, int notThis)
    {
        if (_zhejiangCities.Length < 2) return notThis;
        int c;
        do c = _zhejiangCities[r.Int(0, _zhejiangCities.Length - 1)]; while (c == notThis);
        return c;
    }

    private bool IsCode(Fact f, int idx, string code) => idx >= 0 && idx == f.Code(code);

    private void Person(ref SplitMix64 r, Span<double> row)
    {
        int d = _d;
        // ---- status, education, age ----
        int status = _statusW.Pick(ref r);
        bool student = IsCode(_status, status, "student");
        bool employed = IsCode(_status, status, "employed");
        bool selfEmployed = IsCode(_status, status, "self_employed");
        int level = (student ? _levelStudentW : _levelW).Pick(ref r);
        string levelCode = level >= 0 ? _eduLevel.Def!.Type.Enum!.Members[level].Code : "bachelor";
        int gradAge = levelCode switch { "none" => 16, "secondary" => 18, "associate" => 21, "bachelor" => 22, "master" => 25, "doctorate" => 28, _ => 22 }
                      + r.Int(0, levelCode == "doctorate" ? 4 : 2);
        int age = student ? Math.Max(17, gradAge - r.Int(1, 4)) : gradAge + (int)(Math.Pow(r.Uniform(), 1.7) * (61 - gradAge));
        int birth = DateOnly.FromDayNumber(d).AddYears(-age).AddDays(-r.Int(0, 364)).DayNumber;
        int grad = student ? AddYears(birth, gradAge) + r.Int(150, 200) // expected, in the future
                           : Math.Min(d - r.Int(1, 20), AddYears(birth, gradAge) + r.Int(150, 200));
        double yearsSinceGrad = (d - grad) / 365.25;

        if (Known(ref r, 0.05)) Set(row, _birth, birth);
        if (Known(ref r, 0.03)) SetCode(row, _eduLevel, level);
        bool higher = levelCode is "associate" or "bachelor" or "master" or "doctorate";
        bool fullTimeDegree = r.Chance(higher ? 0.85 : 0.6);
        if (Known(ref r, 0.10)) SetBool(row, _eduFullTime, fullTimeDegree);
        bool dfc = levelCode is "bachelor" or "master" or "doctorate" && r.Chance(levelCode == "bachelor" ? 0.12 : 0.25);
        if (Known(ref r, 0.10)) SetBool(row, _dfc, dfc);
        if (Known(ref r, 0.40)) SetBool(row, _shortage, r.Chance(0.2));
        if ((!student || FullyKnown) && Known(ref r, 0.10)) Set(row, _gradDate, grad);
        bool overseas = levelCode is "master" or "doctorate" && r.Chance(0.12);
        if (Known(ref r, 0.20)) SetBool(row, _overseasDegree, overseas);
        if (Known(ref r, 0.30)) SetBool(row, _fresh, !student && yearsSinceGrad < 1);
        if (student ? Known(ref r, 0.30) : Known(ref r, 0.90)) SetBool(row, _campusDelayed, student && r.Chance(0.5));
        bool medical = r.Chance(0.08);
        if (Known(ref r, 0.40)) SetBool(row, _medicalMajor, medical);

        // ---- place ----
        int city = PickCity(ref r);
        int county = PickCounty(ref r, city);
        bool cityKnown = Known(ref r, 0.02), countyKnown = cityKnown && Known(ref r, 0.25);
        if (cityKnown) SetCode(row, _workCity, city);
        if (countyKnown) SetCode(row, _workCounty, county);
        string cityCode = city >= 0 ? _cityCodes[city] : "";
        string countyCode = county >= 0 ? _countyCodes[county] : "";
        double hu = r.Uniform();
        int hukou = hu < 0.65 ? city : hu < 0.90 ? OtherZhejiangCity(ref r, city) : _hukou.Code("outside_zhejiang");
        if (Known(ref r, 0.10)) SetCode(row, _hukou, hukou);
        int origin = _originW.Pick(ref r);
        if (Known(ref r, 0.15)) SetCode(row, _originRegion, origin);
        int originCity = IsCode(_originRegion, origin, "zhejiang") ? (r.Chance(0.5) ? city : OtherZhejiangCity(ref r, city)) : _originCity.Code("outside_zhejiang");
        if (Known(ref r, 0.50)) SetCode(row, _originCity, originCity);
        if (Known(ref r, 0.30)) SetBool(row, _fromHubei, r.Chance(0.02));
        if (Known(ref r, 0.20)) SetBool(row, _returnee, overseas || r.Chance(0.02));

        // ---- titles, skills, classes, honours ----
        int title = (age < 28 ? _titleYoungW : _titleW).Pick(ref r);
        if (Known(ref r, 0.10)) SetCode(row, _title, title);
        if (Known(ref r, 0.30)) SetCode(row, _skill, _skillW.Pick(ref r));
        if (Known(ref r, 0.30)) SetCode(row, _talentClass, _classW.Pick(ref r));
        if (cityCode == "quzhou" ? Known(ref r, 0.70) : FullyKnown)
        {
            double u = r.Uniform();
            Set(row, _qzTier, u < .01 ? 1 : u < .03 ? 2 : u < .07 ? 3 : u < .15 ? 4 : u < .27 ? 5 : u < .45 ? 6 : u < .70 ? 7 : 8);
        }
        bool hasProgramHonour = false;
        if (_honourMembers.Length > 0 && Known(ref r, 0.20))
        {
            foreach (var m in _honourMembers) row[m.Slot] = 0;
            int count = r.Chance(0.04) ? (r.Chance(0.8) ? 1 : 2) : 0;
            for (int k = 0; k < count; k++)
            {
                var m = PickHonour(ref r, cityCode, countyCode);
                if (m.Slot < 0) continue;
                row[m.Slot] = 1;
                if (m.Code.Contains("talent_program", StringComparison.Ordinal)) hasProgramHonour = true;
            }
        }
        bool selfApplied = hasProgramHonour && r.Chance(0.5);
        if (hasProgramHonour ? Known(ref r, 0.20) : Known(ref r, 0.80)) SetBool(row, _selfApplied, selfApplied);
        if (selfApplied ? Known(ref r, 0.20) : FullyKnown) Set(row, _programGrant, Math.Round(r.LogNormal(800_000, 0.4)));
        if (Known(ref r, 0.90)) Set(row, _awardPrize, Math.Round(r.LogNormal(50_000, 0.7)));
        if (Known(ref r, 0.90)) Set(row, _localContribution, Math.Round(r.LogNormal(30_000, 1.0)));
        if (Known(ref r, 0.60)) SetBool(row, _selfTravel, r.Chance(0.4));
        if (Known(ref r, 0.95)) SetCode(row, _projectCity, r.Chance(0.5) ? city : OtherZhejiangCity(ref r, city));
        if (Known(ref r, 0.40)) SetBool(row, _commendation, r.Chance(0.01));
        bool project = r.Chance(0.01);
        if (project ? Known(ref r, 0.20) : Known(ref r, 0.80)) SetBool(row, _projectLanded, r.Chance(0.6));
        if (project ? Known(ref r, 0.20) : Known(ref r, 0.95)) Set(row, _projectYear, r.Int(2015, Date.Year));
        if (Known(ref r, 0.85)) SetCode(row, _contestAward, _contestW.Pick(ref r));

        // ---- employment ----
        if (Known(ref r, 0.05)) SetCode(row, _status, status);
        bool working = employed || selfEmployed || IsCode(_status, status, "flexible");
        if (Known(ref r, 0.10)) SetBool(row, _empFullTime, working && r.Chance(0.92));
        int post = _postW.Pick(ref r);
        if (medical && r.Chance(0.6)) post = _post.Code(r.Chance(0.5) ? "doctor" : "nurse");
        if (levelCode == "doctorate" && r.Chance(0.3)) post = _post.Code("researcher");
        string postCode = post >= 0 ? _post.Def!.Type.Enum!.Members[post].Code : "none";
        int start;
        if (working)
        {
            int careerStart = Math.Max(grad, AddYears(birth, 18));
            double span = Math.Max(30, d - careerStart);
            start = d - (int)(Math.Pow(r.Uniform(), 2.0) * span); // most people changed job recently
        }
        else start = d - r.Int(0, 180);
        if (working || student ? Known(ref r, 0.10) : FullyKnown) Set(row, _start, start);
        if (Known(ref r, 0.40)) SetBool(row, _firstJob, r.Chance(0.3));
        if (Known(ref r, 0.50)) Set(row, _agreementYears, r.Int(0, 5));
        if ((working || FullyKnown) && Known(ref r, 0.30)) Set(row, _salary, Math.Round(Math.Clamp(r.LogNormal(120_000, 0.6), 24_000, 20_000_000)));
        if (working ? Known(ref r, 0.15) : FullyKnown) SetCode(row, _post, post);
        if (Known(ref r, 0.30)) SetBool(row, _professional, working && r.Chance(0.6));
        bool medicalPost = postCode is "doctor" or "nurse" or "medical_other";
        bool frontline = working && r.Chance(medicalPost ? 0.4 : 0.05);
        if (Known(ref r, 0.30)) SetBool(row, _frontline, frontline);
        bool aid = medicalPost && r.Chance(0.04);
        if (Known(ref r, 0.30)) SetBool(row, _aidHubei, aid);
        if (aid ? Known(ref r, 0.10) : FullyKnown) Set(row, _aidDays, r.Int(20, 75));
        if (frontline ? Known(ref r, 0.30) : Known(ref r, 0.80)) SetBool(row, _frontlineOutstanding, frontline && r.Chance(0.2));
        if (Known(ref r, 0.40)) SetBool(row, _internship, student ? r.Chance(0.5) : r.Chance(0.02));
        if (Known(ref r, 0.20)) SetBool(row, _postdoc, levelCode == "doctorate" && r.Chance(0.1));
        if (Known(ref r, 0.50)) SetBool(row, _shortageFrontline, r.Chance(0.1));
        if (cityCode == "quzhou" || Known(ref r, 0.5))
        {
            if (Known(ref r, 0.5)) SetBool(row, _qzCollege, r.Chance(cityCode == "quzhou" ? 0.15 : 0.01));
            if (Known(ref r, 0.6)) SetBool(row, _qzCustom, r.Chance(0.02));
        }

        // ---- employer ----
        int employer = postCode switch
        {
            "teacher" => _employerType.Code(r.Chance(0.8) ? "school" : "university"),
            "doctor" or "nurse" or "medical_other" => _employerType.Code("hospital"),
            "researcher" => _employerType.Code(r.Chance(0.5) ? "research_institute" : r.Chance(0.5) ? "university" : "enterprise"),
            _ => selfEmployed ? _employerType.Code("enterprise") : _employerW.Pick(ref r),
        };
        if (employer < 0) employer = _employerW.Pick(ref r);
        if (working || student ? Known(ref r, 0.10) : FullyKnown) SetCode(row, _employerType, employer);
        if (Known(ref r, 0.20)) SetCode(row, _ownership, _ownershipW.Pick(ref r));
        if (Known(ref r, 0.30)) SetCode(row, _industry, _industryW.Pick(ref r));
        if (Known(ref r, 0.40)) SetBool(row, _keyIndustry, r.Chance(0.3));
        int si = Math.Min(d, start + r.Int(0, 90));
        if (working ? Known(ref r, 0.20) : FullyKnown) Set(row, _siStart, si);

        // ---- housing ----
        int housing = _housingW.Pick(ref r);
        if (age < 26 && IsCode(_housing, housing, "owns_home") && r.Chance(0.6)) housing = _housing.Code("renting");
        string housingCode = housing >= 0 ? _housing.Def!.Type.Enum!.Members[housing].Code : "none";
        if (Known(ref r, 0.10)) SetCode(row, _housing, housing);
        bool owns = housingCode == "owns_home";
        if (Known(ref r, 0.50)) SetBool(row, _ownedBefore, owns && r.Chance(0.3));
        int adult = AddYears(birth, 20);
        int purchase = Math.Max(adult, Math.Min(d - 1, start - 365 * 2 + (int)(r.Uniform() * Math.Max(1, d - start + 365 * 2))));
        if (owns ? Known(ref r, 0.10) : FullyKnown) Set(row, _purchaseDate, purchase);
        double area = Math.Round(r.LogNormal(95, 0.25));
        double pricePerM2 = cityCode switch { "hangzhou" => 30_000, "ningbo" => 22_000, "wenzhou" => 20_000, "zhoushan" => 16_000, "quzhou" or "lishui" => 11_500, _ => 15_000 };
        if (owns ? Known(ref r, 0.15) : FullyKnown) Set(row, _purchasePrice, RoundTo(area * pricePerM2 * r.LogNormal(1, 0.2), 1000));
        if (owns ? Known(ref r, 0.30) : FullyKnown) Set(row, _purchaseArea, area);
        if (owns ? Known(ref r, 0.15) : FullyKnown) SetBool(row, _firstPurchase, r.Chance(0.75));
        if (owns ? Known(ref r, 0.10) : FullyKnown) SetCode(row, _purchaseCity, r.Chance(0.88) ? city : OtherZhejiangCity(ref r, city));
        bool sold = owns && r.Chance(0.02);
        if (sold ? Known(ref r, 0.1) : FullyKnown) Set(row, _saleDate, Math.Min(d, purchase + r.Int(200, 3000)));
        if (owns ? Known(ref r, 0.70) : FullyKnown) Set(row, _subsidyReceived, r.Chance(0.3) ? RoundTo(r.LogNormal(150_000, 0.6), 1000) : 0);
        bool renting = housingCode is "renting" or "talent_apartment";
        if (renting ? Known(ref r, 0.30) : FullyKnown) Set(row, _rent, RoundTo(r.LogNormal(housingCode == "talent_apartment" ? 1800 : 2800, 0.4), 10));
        int moveIn = Math.Max(adult, d - r.Int(10, 1500));
        bool apartment = housingCode == "talent_apartment";
        if (apartment ? Known(ref r, 0.20) : FullyKnown) Set(row, _moveIn, moveIn);
        if (apartment ? Known(ref r, 0.50) : FullyKnown) Set(row, _leaseEnd, AddYears(moveIn, r.Int(1, 3)));
        if (owns ? Known(ref r, 0.70) : Known(ref r, 0.95)) SetBool(row, _deadlineMissed, owns && r.Chance(0.03));
        bool ticket = r.Chance(0.03);
        if (ticket ? Known(ref r, 0.20) : FullyKnown) Set(row, _ticketDate, Math.Max(adult, d - r.Int(10, 1000)));
        if (owns ? Known(ref r, 0.50) : Known(ref r, 0.90)) SetBool(row, _talentHousing, owns && r.Chance(0.05));
    }

    private (int Slot, string Code) PickHonour(ref SplitMix64 r, string cityCode, string countyCode)
    {
        double total = 0;
        foreach (var m in _honourMembers) if (HonourAllowed(m.Code, cityCode, countyCode)) total += m.Weight;
        if (total <= 0) return (-1, "");
        double u = r.Uniform() * total;
        foreach (var m in _honourMembers)
        {
            if (!HonourAllowed(m.Code, cityCode, countyCode)) continue;
            u -= m.Weight;
            if (u < 0) return (m.Slot, m.Code);
        }
        return (-1, "");
    }

    /// <summary>City- or county-specific honours (their code starts with the place's code) go to people working there.</summary>
    private bool HonourAllowed(string code, string cityCode, string countyCode)
    {
        int us = code.IndexOf('_');
        if (us <= 0) return true;
        var prefix = code.AsSpan(0, us);
        foreach (var c in _cityCodes) if (prefix.SequenceEqual(c)) return c == cityCode;
        foreach (var c in _countyCodes) if (prefix.SequenceEqual(c)) return c == countyCode;
        return true;
    }

    private void Enterprise(ref SplitMix64 r, Span<double> row, Applicant kind)
    {
        int d = _d;
        bool org = kind == Applicant.Organisation;
        int city = PickCity(ref r), county = PickCounty(ref r, city);
        string cityCode = city >= 0 ? _cityCodes[city] : "";
        SetCode(row, _eCity, city);
        if (Known(ref r, 0.10)) SetCode(row, _eCounty, county);
        int type = (org ? _eTypeOrgW : _eTypeEnterpriseW).Pick(ref r);
        string typeCode = type >= 0 ? _eType.Def!.Type.Enum!.Members[type].Code : "enterprise";
        if (Known(ref r, 0.02)) SetCode(row, _eType, type);
        int registered = Math.Max(new DateOnly(1980, 1, 1).DayNumber, d - (int)(r.LogNormal(6, 0.9) * 365.25));
        if (Known(ref r, 0.05)) Set(row, _eRegistered, registered);
        if (Known(ref r, 0.20)) SetCode(row, _eOwnership, org ? _eOwnership.Code("state_owned") : _ownershipW.Pick(ref r));
        if (Known(ref r, 0.10)) SetCode(row, _eIndustry, _industryW.Pick(ref r));
        if (Known(ref r, 0.30)) SetBool(row, _eKeyIndustry, r.Chance(0.3));
        bool founded = !org && r.Chance(0.12);
        if (Known(ref r, 0.20)) SetBool(row, _eFounded, founded);
        if (org ? Known(ref r, 0.10) : Known(ref r, 0.90)) Set(row, _eFrontlineStaff, org ? Math.Round(r.LogNormal(40, 1.0)) : r.Int(0, 5));
        bool absent = !org && r.Chance(0.08);
        if (absent ? Known(ref r, 0.10) : Known(ref r, 0.80)) Set(row, _eAbsentSalary, absent ? RoundTo(r.LogNormal(200_000, 0.8), 100) : 0);
        if (Known(ref r, 0.40)) SetBool(row, _eReceivesSubsidy, r.Chance(0.15));
        if (Known(ref r, 0.50)) SetBool(row, _eRentRelief, r.Chance(0.4));
        bool agency = typeCode == "hr_agency";
        if (agency ? Known(ref r, 0.10) : FullyKnown)
        {
            Set(row, _ePlacedDoc, r.Int(0, 5)); Set(row, _ePlacedMaster, r.Int(0, 20)); Set(row, _ePlacedBachelor, r.Int(0, 40));
        }
        if (agency && cityCode == "wenzhou" ? Known(ref r, 0.10) : FullyKnown) SetCode(row, _eWzRating, _wzRatingW.Pick(ref r));
        if (Known(ref r, 0.70)) Set(row, _eHeadhunter, r.Chance(0.1) ? r.Int(1, 5) : 0);
        bool station = typeCode == "recruitment_station";
        if (station ? Known(ref r, 0.10) : FullyKnown) SetCode(row, _eAgreementCity, r.Chance(0.7) ? city : OtherZhejiangCity(ref r, city));
        if (station ? Known(ref r, 0.10) : FullyKnown) Set(row, _eStationTalents, r.Int(0, 20));
        bool hired = !org && r.Chance(0.3);
        if (hired ? Known(ref r, 0.20) : FullyKnown)
        {
            SetCode(row, _eHirePost, _hirePostW.Pick(ref r));
            SetCode(row, _eHireGrade, _hireGradeW.Pick(ref r));
            Set(row, _eHireFirst, d - r.Int(0, 2000));
        }
        if (Known(ref r, 0.50)) SetBool(row, _eStatePremises, r.Chance(0.2));
        bool programs = false;
        if (_programMembers.Length > 0 && Known(ref r, 0.30))
        {
            foreach (var m in _programMembers)
            {
                bool here = m.Code.StartsWith("wz_", StringComparison.Ordinal) ? cityCode == "wenzhou"
                          : m.Code.StartsWith("nb_", StringComparison.Ordinal) ? cityCode == "ningbo"
                          : HonourAllowed(m.Code, cityCode, "");
                bool has = here && r.Chance(0.08);
                row[m.Slot] = has ? 1 : 0;
                programs |= has;
            }
        }
        if (programs ? Known(ref r, 0.10) : Known(ref r, 0.70)) SetBool(row, _eInFunding, (programs || founded) && r.Chance(0.6));
        bool quzhou = cityCode == "quzhou";
        if (quzhou ? Known(ref r, 0.20) : FullyKnown)
        {
            SetCode(row, _eShuangling, _shuanglingW.Pick(ref r));
            Set(row, _eShuanglingDate, d - r.Int(0, 2500));
            SetBool(row, _eShuanglingUp, r.Chance(0.1));
            Set(row, _eLocalContribution, RoundTo(r.LogNormal(1_000_000, 1.0), 1000));
        }
        if (Known(ref r, 0.60)) Set(row, _eNationalTalents, r.Chance(0.02) ? r.Int(1, 2) : 0);
        if (Known(ref r, 0.60)) Set(row, _eProvincialTalents, r.Chance(0.05) ? r.Int(1, 3) : 0);
        bool keyTech = !org && r.Chance(0.1);
        if (Known(ref r, 0.50)) SetBool(row, _eKeyTech, keyTech);
        if (keyTech ? Known(ref r, 0.20) : FullyKnown) Set(row, _eTalentSalary, RoundTo(r.LogNormal(600_000, 0.5), 1000));
        bool workstation = r.Chance(0.03);
        if (Known(ref r, 0.50)) SetBool(row, _eWorkstation, workstation);
        if (workstation ? Known(ref r, 0.20) : FullyKnown) Set(row, _eAcademicians, r.Int(1, 4));
        if (workstation ? Known(ref r, 0.40) : FullyKnown) Set(row, _eExcellentAward, r.Chance(0.3) ? 500_000 : 0);
        if (Known(ref r, 0.40)) SetCode(row, _ePostdocStation, _postdocStationW.Pick(ref r));
        bool streaming = !org && r.Chance(0.03);
        if (Known(ref r, 0.60)) SetBool(row, _eStreaming, streaming);
        if (streaming ? Known(ref r, 0.20) : FullyKnown) Set(row, _eStreamers, r.Int(0, 10));
        if (Known(ref r, 0.80)) Set(row, _eFairFee, r.Chance(0.3) ? r.Int(1, 20) * 1000 : 0);
    }

    /// <summary>A plausible value by type for a fact the generator does not know by name (mostly unknown).</summary>
    private void Generic(ref SplitMix64 r, Span<double> row, FactDef f)
    {
        if (!Known(ref r, 0.75)) return;
        var fact = new Fact(f);
        switch (f.Type.Base)
        {
            case BaseType.Bool: SetBool(row, fact, r.Chance(0.15)); break;
            case BaseType.Date: Set(row, fact, _d - r.Int(0, 1800)); break;
            case BaseType.Enum: Set(row, fact, r.Int(0, f.Type.Enum!.Members.Count - 1)); break;
            case BaseType.Set:
                for (int k = 0; k < f.Type.Enum!.Members.Count; k++) row[f.Slot + k] = r.Chance(0.05) ? 1 : 0;
                break;
            case BaseType.Number:
                double v = f.Unit switch
                {
                    "人" or "人次" => r.Chance(0.5) ? 0 : r.Int(1, 10),
                    "元" or "元/年" => Math.Round(r.LogNormal(100_000, 1.0)),
                    "元/月" => Math.Round(r.LogNormal(3_000, 0.5)),
                    "天" => r.Int(0, 90),
                    "年" => r.Int(0, 10),
                    "月" => r.Int(0, 36),
                    "平方米" => r.Int(50, 150),
                    _ => r.Int(0, 10),
                };
                Set(row, fact, v);
                break;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Shapes: ProfileRow, JSON, columns

    /// <summary>Profile <paramref name="index"/> as the evaluator's input row (fact slots, then definitions as NaN).</summary>
    public ProfileRow Row(long index)
    {
        var row = new double[Catalog.RowWidth];
        var kind = Generate(index, row.AsSpan(0, _schema.SlotCount));
        row.AsSpan(_schema.SlotCount).Fill(double.NaN);
        return new ProfileRow(row, kind);
    }

    /// <summary>Indexes of the first <paramref name="count"/> person profiles of the stream from <paramref name="start"/>.</summary>
    public long[] PersonIndexes(int count, long start = 0)
    {
        var list = new List<long>(count);
        for (long i = start; list.Count < count; i++) if (KindOf(i) == Applicant.Person) list.Add(i);
        return [.. list];
    }

    public ProfileRow[] PersonRows(int count, long start = 0) => PersonIndexes(count, start).Select(Row).ToArray();

    /// <summary>Profile <paramref name="index"/> as the JSON an applicant submits (unknown facts omitted).</summary>
    public string Json(long index)
    {
        var row = new double[_schema.SlotCount];
        Generate(index, row);
        return ToJson(_schema, row);
    }

    public static string ToJson(ProfileSchema schema, ReadOnlySpan<double> row)
    {
        var buf = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buf, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var section in schema.FactList.GroupBy(f => f.Path[..f.Path.IndexOf('.')]))
            {
                bool open = false;
                foreach (var f in section)
                {
                    double v = row[f.Slot];
                    if (double.IsNaN(v)) continue;
                    if (!open) { w.WriteStartObject(section.Key); open = true; }
                    string name = f.Path[(section.Key.Length + 1)..];
                    switch (f.Type.Base)
                    {
                        case BaseType.Bool: w.WriteBoolean(name, v == 1); break;
                        case BaseType.Number:
                            if (v == Math.Floor(v) && Math.Abs(v) < 1e15) w.WriteNumber(name, (long)v); else w.WriteNumber(name, v);
                            break;
                        case BaseType.Date: w.WriteString(name, DateOnly.FromDayNumber((int)v).ToString("yyyy-MM-dd")); break;
                        case BaseType.Enum: w.WriteString(name, f.Type.Enum!.Members[(int)v].Code); break;
                        case BaseType.Set:
                            w.WriteStartArray(name);
                            foreach (var m in f.Type.Enum!.Members) if (row[f.Slot + m.Index] == 1) w.WriteStringValue(m.Code);
                            w.WriteEndArray();
                            break;
                    }
                }
                if (open) w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buf.WrittenSpan);
    }

    /// <summary>Facts (slots) read by the in-force policies of one kind of applicant, through definitions.</summary>
    public static SortedSet<int> SlotsReadBy(PolicyCatalog catalog, IEnumerable<Policy> policies)
    {
        var slots = new SortedSet<int>();
        void Walk(TalentOne.Policies.Language.Bound b)
        {
            switch (b)
            {
                case TalentOne.Policies.Language.BFact f: slots.Add(f.Fact.Slot); break;
                case TalentOne.Policies.Language.BSetMember s: slots.Add(s.Fact.Slot + s.Member.Index); break;
                case TalentOne.Policies.Language.BDefinition d when d.Def.Body != null: Walk(d.Def.Body); break;
            }
            foreach (var c in TalentOne.Policies.Language.BoundWalk.Children(b)) Walk(c);
        }
        foreach (var p in policies)
        {
            foreach (var c in p.Conditions) if (c.Body != null) Walk(c.Body);
            if (p.Amount.Body != null) Walk(p.Amount.Body);
            foreach (var c in p.Caps) Walk(c.Body);
        }
        return slots;
    }

    /// <summary>How many of <paramref name="slots"/> hold each type of value (a set fact counts once per member).</summary>
    public static Dictionary<BaseType, int> SlotTypes(ProfileSchema schema, IEnumerable<int> slots)
    {
        var bySlot = new Dictionary<int, FactDef>();
        foreach (var f in schema.FactList) for (int k = 0; k < f.SlotCount; k++) bySlot[f.Slot + k] = f;
        return slots.GroupBy(s => bySlot[s].Type.Base).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>A population split by kind of applicant, as the batch path's columns.</summary>
    public sealed class Population
    {
        public required PopulationColumns Persons { get; init; }
        public required PopulationColumns Organisations { get; init; }
        public required int[] PersonSlots { get; init; }
        public required int[] OrganisationSlots { get; init; }
        public long ColumnBytes { get; init; }
        public int Count => Persons.Count + Organisations.Count;
    }

    /// <summary>
    /// Generates profiles 0..n−1 straight into columns (in parallel; the result does not depend on the thread count).
    /// Persons and enterprises/organisations go to separate populations, each with one column per slot its policies
    /// read; every other slot of the schema points at one shared all-unknown column (the batch path only reads), unless
    /// <paramref name="shareUnknownColumns"/> is false: then SweepPlan.Run allocates its own all-unknown column for
    /// every slot any policy of the catalog reads (an experiment: see docs/performance.md).
    /// </summary>
    public Population Columns(int n, int threads = 0, bool shareUnknownColumns = true)
    {
        var kinds = new Applicant[n];
        var at = new int[n];
        int persons = 0, orgs = 0;
        for (int i = 0; i < n; i++)
        {
            var k = kinds[i] = KindOf(i);
            at[i] = k == Applicant.Person ? persons++ : orgs++;
        }
        var personPolicies = Catalog.Policies.Where(p => p.InForceOn(Date) && p.Applicant == Applicant.Person);
        var orgPolicies = Catalog.Policies.Where(p => p.InForceOn(Date) && p.Applicant != Applicant.Person);
        int[] pSlots = [.. SlotsReadBy(Catalog, personPolicies)], oSlots = [.. SlotsReadBy(Catalog, orgPolicies)];
        var pc = new PopulationColumns(persons, _schema);
        var oc = new PopulationColumns(orgs, _schema);
        foreach (var s in pSlots) pc.Column(s);
        foreach (var s in oSlots) oc.Column(s);
        if (shareUnknownColumns)
        {
            var (nanP, nanPb, nanO, nanOb) = (PopulationColumns.NewUnknown(persons, false), PopulationColumns.NewUnknown(persons, true),
                PopulationColumns.NewUnknown(orgs, false), PopulationColumns.NewUnknown(orgs, true));
            for (int s = 0; s < _schema.SlotCount; s++)
            {
                pc.Slots[s] ??= pc.IsByteSlot(s) ? nanPb : nanP;
                oc.Slots[s] ??= oc.IsByteSlot(s) ? nanOb : nanO;
            }
        }

        int parts = Math.Max(1, (threads > 0 ? threads : Environment.ProcessorCount) * 8);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, part =>
        {
            var row = new double[_schema.SlotCount];
            int from = (int)((long)n * part / parts), to = (int)((long)n * (part + 1) / parts);
            for (int i = from; i < to; i++)
            {
                Generate(i, row);
                int j = at[i];
                if (kinds[i] == Applicant.Person) foreach (var s in pSlots) pc.Set(s, j, row[s]);
                else foreach (var s in oSlots) oc.Set(s, j, row[s]);
            }
        });
        return new Population
        {
            Persons = pc,
            Organisations = oc,
            PersonSlots = pSlots,
            OrganisationSlots = oSlots,
            ColumnBytes = pSlots.Sum(s => (long)persons * (pc.IsByteSlot(s) ? 1 : 8)) + oSlots.Sum(s => (long)orgs * (oc.IsByteSlot(s) ? 1 : 8)),
        };
    }
}
