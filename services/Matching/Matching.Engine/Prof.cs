namespace Matchmaking.Matching.Engine;

// TEMPORARY profiling.
internal static class Prof
{
    private static readonly double[] s_t = new double[8];
    private static int s_n;
    public static long Clauses;
    public static void Add(int i, System.Diagnostics.Stopwatch sw) { s_t[i] += sw.Elapsed.TotalMilliseconds; sw.Restart(); }
    private static readonly double[] s_i = new double[4];
    private static int s_ni;
    public static void AddI(int i, System.Diagnostics.Stopwatch sw)
    {
        s_i[i] += sw.Elapsed.TotalMilliseconds; sw.Restart();
        if (i == 2 && ++s_ni % 5000 == 0)
        {
            Console.Error.WriteLine($"PROFI n={s_ni} profile {s_i[0] / s_ni:F3} translate {s_i[1] / s_ni:F3} doc {s_i[2] / s_ni:F3}");
            Array.Clear(s_i); s_ni = 0;
        }
    }

    public static void Done()
    {
        if (++s_n % 100 == 0)
        {
            Console.Error.WriteLine($"PROF n={s_n} profile {s_t[0] / s_n:F2} build {s_t[1] / s_n:F2} search {s_t[2] / s_n:F2} contrib {s_t[3] / s_n:F2} rank {s_t[4] / s_n:F2} fields {s_t[5] / s_n:F2} clauses {Clauses / s_n}");
            Array.Clear(s_t); s_n = 0; Clauses = 0;
        }
    }
}
