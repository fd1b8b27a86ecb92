/* Dashboard charts: ECharts served from our own static files (no CDN). */
(function () {
  "use strict";
  var el = document.getElementById("chart-data");
  if (!el || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var c = window.echarts.init(node, null, { renderer: "svg" });
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  chart("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.years.map(String) },
    yAxis: { type: "value" },
    series: data.trend.map(function (s) { return { name: s.name, type: "line", data: s.values }; })
  });
  if (data.children.length) {
    chart("chart-bars", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 40, bottom: 70 },
      xAxis: { type: "category", data: data.children, axisLabel: { rotate: 40 } },
      yAxis: data.bars.map(function (s, i) { return { type: "value", position: i ? "right" : "left" }; }),
      series: data.bars.map(function (s, i) { return { name: s.name, type: "bar", yAxisIndex: i, data: s.values }; })
    });
  }
})();
