using System.Runtime.InteropServices;
using TalentOne.Policies.Batch;
using TalentOne.Policies.Catalog;

namespace TalentOne.Bench;

/// <summary>The standard peer population: reads the TPC1 column file produced by ../shared/bench/peer-population
/// (layout documented there: header, float64 salary, 7 int32 columns, 5 uint8 columns).</summary>
public sealed class PeerPopulation
{
    public int N;
    public double[] AnnualSalary = [];
    public int[] Age = [], Education = [], TitleLevel = [], YearsSinceGraduation = [], SocialInsuranceMonths = [], CityCode = [], OriginRegion = [];
    public byte[] FullTime = [], DoubleFirstClass = [], CountyInMountainList = [], IsTeacherOrDoctor = [], OwnsHome = [];

    public static PeerPopulation Load(string path, int n)
    {
        using var fs = File.OpenRead(path);
        Span<byte> header = stackalloc byte[16];
        fs.ReadExactly(header);
        if (header[0] != 'T' || header[1] != 'P' || header[2] != 'C' || header[3] != '1') throw new InvalidDataException("not a TPC1 file");
        int fileN = BitConverter.ToInt32(header[4..8]);
        if (n > fileN) throw new ArgumentException($"file has {fileN} persons, asked for {n}");
        var p = new PeerPopulation { N = n };
        long off = 16;
        T[] Read<T>(int width) where T : struct
        {
            var a = new T[n];
            fs.Position = off;
            fs.ReadExactly(MemoryMarshal.AsBytes(a.AsSpan()));
            off += (long)width * fileN;
            return a;
        }
        p.AnnualSalary = Read<double>(8);
        p.Age = Read<int>(4); p.Education = Read<int>(4); p.TitleLevel = Read<int>(4); p.YearsSinceGraduation = Read<int>(4);
        p.SocialInsuranceMonths = Read<int>(4); p.CityCode = Read<int>(4); p.OriginRegion = Read<int>(4);
        p.FullTime = Read<byte>(1); p.DoubleFirstClass = Read<byte>(1); p.CountyInMountainList = Read<byte>(1);
        p.IsTeacherOrDoctor = Read<byte>(1); p.OwnsHome = Read<byte>(1);
        return p;
    }

    /// <summary>"prep": the engine's native input shape, one column per fact (yes/no as bytes, numbers as doubles).</summary>
    public PopulationColumns ToColumns(PolicyCatalog catalog)
    {
        var cols = new PopulationColumns(N, catalog.Schema);
        void Set(string fact, Func<int, double> get)
        {
            int slot = catalog.Schema.Facts[fact].Slot;
            for (int i = 0; i < N; i++) cols.Set(slot, i, get(i));
        }
        Set("p.age", i => Age[i]); Set("p.education", i => Education[i]); Set("p.fullTime", i => FullTime[i]);
        Set("p.doubleFirstClass", i => DoubleFirstClass[i]); Set("p.titleLevel", i => TitleLevel[i]);
        Set("p.yearsSinceGraduation", i => YearsSinceGraduation[i]); Set("p.socialInsuranceMonths", i => SocialInsuranceMonths[i]);
        Set("p.annualSalary", i => AnnualSalary[i]); Set("p.cityCode", i => CityCode[i]);
        Set("p.countyInMountainList", i => CountyInMountainList[i]); Set("p.isTeacherOrDoctor", i => IsTeacherOrDoctor[i]);
        Set("p.originRegion", i => OriginRegion[i]); Set("p.ownsHome", i => OwnsHome[i]);
        return cols;
    }

    /// <summary>Answer key of peer-workload.md §6 for N = 1,000,000.</summary>
    public static readonly long[] AnswerCounts = [5422, 204988, 136838, 460289, 359466, 11836, 83371, 33787, 98019, 28882, 30145, 87892, 45207, 267882, 251312, 52522, 76903, 21377, 78553, 4953];
    public const long AnswerChecksum = 19697984845432;
    public const double AnswerTotal = 75_322_196_387.149;
}
