/// The pages' one style sheet, inline: fluid on a phone (tables scroll sideways in their frame,
/// charts take the width), plain black on paper (no navigation, charts kept, rows not split).
extension ReportPage {
    static let styleSheet: HTML = """
        :root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--paper:#f7f6f2;--card:#fff;--accent:#2f5d8a;--soft:#eef2f6}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
        body{margin:0;background:var(--paper);color:var(--ink);
            font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
        .page{max-width:62rem;margin:0 auto;padding:1.25rem clamp(.75rem,3vw,2rem) 2rem}
        .masthead{border-bottom:1px solid var(--line);padding-bottom:1rem;margin-bottom:.5rem}
        .eyebrow{margin:0;color:var(--muted);font-size:.8rem;letter-spacing:.06em;text-transform:uppercase}
        h1{font-size:clamp(1.6rem,4.5vw,2.25rem);line-height:1.2;margin:.15rem 0 .35rem}
        h2{font-size:1.3rem;line-height:1.3;margin:2rem 0 .5rem}
        h3{font-size:1.02rem;line-height:1.35;margin:1.25rem 0 .4rem}
        p{margin:.5rem 0}
        .lede{margin:.25rem 0 .75rem;color:var(--muted);max-width:46rem}
        .meta{display:flex;flex-wrap:wrap;gap:.2rem 1.25rem;margin:0;font-size:.88rem}
        .meta div{display:flex;gap:.35rem}
        .meta dt{color:var(--muted)}
        .meta dd{margin:0;font-weight:600;overflow-wrap:anywhere}
        nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.4rem;margin:.9rem 0 0;padding:0}
        nav a{display:inline-block;padding:.3rem .75rem;border:1px solid var(--line);border-radius:999px;background:var(--card);color:var(--accent);
            text-decoration:none;font-size:.9rem}
        nav a:hover{border-color:var(--accent)}
        nav a[aria-current=page]{background:var(--accent);border-color:var(--accent);color:#fff}
        a:focus-visible,.table-wrap:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
        .figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,12.5rem),1fr));gap:.75rem;margin:1rem 0}
        .figure{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem}
        .figure-value{display:block;font-size:1.4rem;font-weight:700;line-height:1.25;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
        .figure-label{display:block;font-size:.92rem}
        .figure-note{display:block;color:var(--muted);font-size:.84rem}
        .badge{display:inline-block;margin-left:.35rem;padding:.1rem .55rem;border-radius:999px;font-size:.75rem;font-weight:700;
            letter-spacing:.04em;text-transform:uppercase;vertical-align:middle}
        .badge-met{background:#e1f0e6;color:#1f5e3a}
        .badge-missed{background:#f7e1dc;color:#8a2f22}
        .badge-no-data,.badge-other{background:#e9edf1;color:#52606d}
        .chart-figure{margin:1rem 0;padding:.75rem;background:var(--card);border:1px solid var(--line);border-radius:.5rem}
        figcaption{margin-top:.4rem;color:var(--muted);font-size:.85rem}
        .chart-narrow{display:none}
        svg.chart{display:block;width:100%;height:auto}
        svg.chart text{font-family:inherit;font-size:13px;fill:var(--ink)}
        svg.chart .value{font-weight:600;font-variant-numeric:tabular-nums}
        svg.chart .heading{font-weight:700}
        svg.chart .muted{fill:var(--muted)}
        svg.chart .small{font-size:11.5px}
        svg.chart .grid{stroke:var(--line);stroke-width:1}
        svg.chart .axis{stroke:#7b8794;stroke-width:1}
        svg.chart .reference{stroke:var(--ink);stroke-width:1.5;stroke-dasharray:5 4}
        .note{margin:1rem 0;padding:1rem;background:var(--card);border:1px dashed #bcccdc;border-radius:.5rem;color:var(--muted)}
        .table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0 1.25rem;background:var(--card);border:1px solid var(--line);
            border-radius:.5rem}
        table{width:100%;border-collapse:collapse;font-size:.9rem}
        th,td{padding:.4rem .7rem;text-align:left;vertical-align:top;border-bottom:1px solid var(--line);white-space:nowrap}
        td.wrap{white-space:normal;min-width:16rem;overflow-wrap:anywhere}
        thead th{background:var(--soft);font-weight:600;white-space:nowrap}
        tbody th{font-weight:600}
        tbody tr:last-child>*{border-bottom:0}
        .num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
        td.empty{color:var(--muted);font-style:italic}
        .register{list-style:none;display:grid;gap:1rem;margin:1rem 0;padding:0}
        .entry{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.1rem}
        .entry h3{margin:0}
        .entry .entry-id{margin:.1rem 0 0;color:var(--muted);font-size:.85rem}
        .entry dl{display:grid;grid-template-columns:minmax(9rem,max-content) 1fr;gap:.35rem 1rem;margin:.75rem 0 0}
        .entry dt{color:var(--muted);font-size:.88rem}
        .entry dd{margin:0;overflow-wrap:anywhere;white-space:pre-line}
        .headlines{margin:.5rem 0;padding-left:1.25rem}
        .headlines li{margin:.45rem 0;max-width:48rem}
        .cards{list-style:none;display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem;margin:1rem 0;padding:0}
        .card{display:flex;flex-direction:column;gap:.35rem;height:100%;padding:1rem 1.1rem;background:var(--card);border:1px solid var(--line);
            border-radius:.5rem;color:inherit;text-decoration:none}
        .card:hover{border-color:var(--accent)}
        .card-title{font-size:1.15rem;font-weight:700;color:var(--accent)}
        .card-summary{color:var(--muted);font-size:.92rem}
        .card-figure{margin-top:auto;font-weight:600}
        .maps{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,17rem),1fr));gap:1rem;margin:1rem 0 .25rem}
        .map-figure{margin:0;padding:.75rem;background:var(--card);border:1px solid var(--line);border-radius:.5rem}
        svg.map{display:block;width:100%;height:auto;max-height:26rem}
        svg.map path{stroke:#fff;stroke-width:1.2;stroke-linejoin:round}
        svg.map path:hover{stroke:var(--ink)}
        .map-legend{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem .8rem;margin:.4rem 0 0;padding:0;font-size:.8rem;color:var(--muted)}
        .map-legend li{display:flex;align-items:center;gap:.3rem}
        .swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:.15rem;border:1px solid var(--line)}
        .map-caption{color:var(--muted);font-size:.85rem;margin:.25rem 0 1rem}
        .time-travel{margin:1rem 0 0}
        .time-travel fieldset{margin:0;padding:.6rem .9rem .7rem;border:1px solid var(--line);border-radius:.5rem;background:var(--card)}
        .time-travel legend{padding:0 .3rem;font-weight:600;font-size:.92rem}
        .time-travel .fields{display:flex;flex-wrap:wrap;gap:.5rem .9rem;align-items:flex-end}
        .time-travel label{display:flex;flex-direction:column;gap:.15rem;font-size:.85rem;color:var(--muted)}
        .time-travel input,.time-travel select{font:inherit;font-size:.95rem;color:var(--ink);padding:.3rem .45rem;border:1px solid #bcccdc;
            border-radius:.3rem;background:#fff;width:11.5rem;max-width:100%}
        .time-travel button{font:inherit;font-size:.95rem;padding:.35rem 1rem;border:1px solid var(--accent);border-radius:.3rem;background:var(--accent);
            color:#fff;cursor:pointer}
        .time-travel .in-force{margin:.1rem 0 .5rem;font-size:.9rem}
        .time-travel .hint{margin:.5rem 0 0;color:var(--muted);font-size:.8rem}
        tr.superseded>*{color:var(--muted)}
        .muted{color:var(--muted)}
        footer{margin-top:2.5rem;padding-top:1rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
        code{padding:.05rem .3rem;background:var(--soft);border-radius:.25rem;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
            font-size:.9em;overflow-wrap:anywhere}
        @media (max-width:36rem){
        body{font-size:15px}
        .chart-wide{display:none}
        .chart-narrow{display:block}
        .time-travel label{flex:1 1 8.5rem}
        .time-travel input,.time-travel select{width:100%}
        .entry dl{grid-template-columns:1fr;gap:0}
        .entry dt{margin-top:.5rem}
        }
        @media print{
        @page{margin:1.5cm}
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        body{background:#fff;color:#000;font-size:10.5pt}
        nav,.time-travel{display:none}
        .page{max-width:none;padding:0}
        a{color:#000;text-decoration:none}
        .lede,.meta dt,.figure-note,figcaption,footer,.entry dt,.entry .entry-id,.card-summary,.card-title,.note{color:#000}
        svg.chart text,svg.chart .muted{fill:#000}
        .figure,.chart-figure,.entry,.card,.note{background:#fff;border-color:#888}
        .table-wrap{overflow:visible;border:0;border-radius:0}
        .chart-wide{display:block}
        .chart-narrow{display:none}
        th,td,thead th{white-space:normal}
        td.wrap{min-width:0}
        table{font-size:9pt}
        thead{display:table-header-group}
        th,td{border-bottom-color:#aaa}
        tr,.figure,.chart-figure,.entry,.card,svg.chart{break-inside:avoid;page-break-inside:avoid}
        h2,h3{break-after:avoid;page-break-after:avoid}
        }
        """
}
