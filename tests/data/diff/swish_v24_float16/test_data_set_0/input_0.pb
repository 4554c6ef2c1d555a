
BxJç6