package admin

import (
	"github.com/cockroachdb/pebble"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// RegisterPebble registers chatd_pebble_wal_fsync_seconds, the latency of
// the write-ahead-log fsyncs every synced write waits for, and
// chatd_pebble_disk_bytes, from the database's own metrics at scrape time.
func (m *Metrics) RegisterPebble(db *pebble.DB) error {
	return m.reg.Register(&pebbleCollector{db: db})
}

var (
	fsyncDesc = prometheus.NewDesc(Namespace+"_pebble_wal_fsync_seconds",
		"Latency of Pebble write-ahead-log fsyncs (every synced write waits for one).", nil, nil)
	diskDesc = prometheus.NewDesc(Namespace+"_pebble_disk_bytes",
		"Disk space used by the Pebble store.", nil, nil)
)

type pebbleCollector struct{ db *pebble.DB }

func (c *pebbleCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- fsyncDesc
	ch <- diskDesc
}

func (c *pebbleCollector) Collect(ch chan<- prometheus.Metric) {
	pm := c.db.Metrics()
	ch <- prometheus.MustNewConstMetric(diskDesc, prometheus.GaugeValue, float64(pm.DiskSpaceUsage()))
	h := pm.LogWriter.FsyncLatency
	if h == nil {
		return
	}
	var d dto.Metric
	if err := h.Write(&d); err != nil || d.Histogram == nil {
		return
	}
	// Pebble's histogram counts nanoseconds; Prometheus wants seconds.
	buckets := make(map[float64]uint64, len(d.Histogram.Bucket))
	for _, b := range d.Histogram.Bucket {
		buckets[b.GetUpperBound()/1e9] = b.GetCumulativeCount()
	}
	ch <- prometheus.MustNewConstHistogram(fsyncDesc, d.Histogram.GetSampleCount(),
		d.Histogram.GetSampleSum()/1e9, buckets)
}
