using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Matchmaking.Portal.Ui;

/// <summary>Horizontal bar charts as server-rendered SVG: no script, no inline style, nothing from a CDN.</summary>
public static class Charts
{
    public sealed record Row(string Label, double Value, string Shown);

    public static IHtmlContent Bars(string id, IReadOnlyList<Row> rows, int labelWidth = 200, int barWidth = 330, int rowHeight = 28)
    {
        var inv = CultureInfo.InvariantCulture;
        var max = rows.Count == 0 ? 1 : Math.Max(1e-9, rows.Max(r => Math.Abs(r.Value)));
        var html = HtmlEncoder.Default;
        var svg = new StringBuilder();
        var width = labelWidth + barWidth + 70;
        svg.Append(inv, $"<svg class=\"chart\" id=\"{html.Encode(id)}\" viewBox=\"0 0 {width} {rows.Count * rowHeight + 4}\" role=\"img\" preserveAspectRatio=\"xMinYMin meet\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var bar = row.Value == 0 ? 0 : Math.Max(2, barWidth * Math.Abs(row.Value) / max);
            var top = i * rowHeight;
            svg.Append(inv, $"<g class=\"row\" data-label=\"{html.Encode(row.Label)}\" data-value=\"{row.Value.ToString(inv)}\">");
            svg.Append(inv, $"<text x=\"0\" y=\"{top + rowHeight * 0.68:0.#}\" class=\"label\">{html.Encode(row.Label)}</text>");
            svg.Append(inv, $"<rect x=\"{labelWidth}\" y=\"{top + rowHeight * 0.18:0.#}\" width=\"{bar:0.#}\" height=\"{rowHeight * 0.64:0.#}\" class=\"bar\"></rect>");
            svg.Append(inv, $"<text x=\"{labelWidth + bar + 6:0.#}\" y=\"{top + rowHeight * 0.68:0.#}\" class=\"value\">{html.Encode(row.Shown)}</text>");
            svg.Append("</g>");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }
}
