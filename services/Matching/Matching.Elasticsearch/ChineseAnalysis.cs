namespace Matchmaking.Matching.Elasticsearch;

/// <summary>
/// The Chinese analyzer the index's text fields use, by the plugins every node has: SmartCN's dictionary segmenter,
/// else ICU's word segmentation, else the built-in <c>cjk</c> analyzer (CJK bigrams), which needs no plugin.
/// </summary>
public static class ChineseAnalysis
{
    public const string SmartCnPlugin = "analysis-smartcn";
    public const string IcuPlugin = "analysis-icu";

    public const string SmartCn = "smartcn";
    public const string Icu = "icu_analyzer";
    public const string Bigrams = "cjk";

    /// <summary>An analyzer can only be used when every node has its plugin, since any node may hold the shard.</summary>
    public static string Choose(IReadOnlyCollection<IReadOnlyCollection<string>> pluginsByNode)
    {
        ArgumentNullException.ThrowIfNull(pluginsByNode);
        bool Everywhere(string plugin) =>
            pluginsByNode.Count > 0 && pluginsByNode.All(node => node.Contains(plugin, StringComparer.OrdinalIgnoreCase));

        return Everywhere(SmartCnPlugin) ? SmartCn : Everywhere(IcuPlugin) ? Icu : Bigrams;
    }
}
