package web

import (
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"barrage/server/hub"
)

// metrics serves Prometheus metrics from a registry of this server's own
// (no global registry, so that tests can run many servers).
type metrics struct {
	registry *prometheus.Registry
	closes   *prometheus.CounterVec
}

func newMetrics(h *hub.Hub, open func() int64) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		closes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "barrage_websocket_closes_total",
			Help: "WebSockets closed, by the close code the server sent (0: connection lost).",
		}, []string{"code"}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.closes,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "barrage_websockets_open",
			Help: "WebSockets being served, including those being refused or closed.",
		}, func() float64 { return float64(open()) }),
		hubCollector{h},
	)
	return m
}

// closed counts one closed WebSocket.
func (m *metrics) closed(code int) {
	m.closes.WithLabelValues(strconv.Itoa(code)).Inc()
}

func (m *metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		// The gzip middleware compresses every response already.
		DisableCompression: true,
	}))
}

// hubCollector reads the hub's figures at each scrape.
type hubCollector struct{ hub *hub.Hub }

var (
	descRooms = prometheus.NewDesc("barrage_rooms",
		"Live rooms.", nil, nil)
	descUsers = prometheus.NewDesc("barrage_users",
		"Users in a room.", nil, nil)
	descConns = prometheus.NewDesc("barrage_connections",
		"Connections registered in a room.", nil, nil)
	descComments = prometheus.NewDesc("barrage_comments_total",
		"Comments broadcast, by source (viewer or replay).", []string{"source"}, nil)
	descSkipped = prometheus.NewDesc("barrage_comments_skipped_total",
		"Comments dropped for viewers who fell behind.", nil, nil)
	descEvictions = prometheus.NewDesc("barrage_evictions_total",
		"Connections removed from rooms, by close code.", []string{"code"}, nil)
)

// Describe implements prometheus.Collector.
func (hubCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		descRooms, descUsers, descConns, descComments, descSkipped, descEvictions,
	} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c hubCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.hub.Stats()
	gauge, counter := prometheus.GaugeValue, prometheus.CounterValue
	ch <- prometheus.MustNewConstMetric(descRooms, gauge, float64(s.Rooms))
	ch <- prometheus.MustNewConstMetric(descUsers, gauge, float64(s.Users))
	ch <- prometheus.MustNewConstMetric(descConns, gauge, float64(s.Connections))
	ch <- prometheus.MustNewConstMetric(descComments, counter, float64(s.Comments), "viewer")
	ch <- prometheus.MustNewConstMetric(descComments, counter, float64(s.ReplayComments), "replay")
	ch <- prometheus.MustNewConstMetric(descSkipped, counter, float64(s.Skipped))
	for code, n := range s.Evictions {
		ch <- prometheus.MustNewConstMetric(descEvictions, counter, float64(n), strconv.Itoa(code))
	}
}
