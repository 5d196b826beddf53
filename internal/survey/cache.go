package survey

import "sync"

// The results of a closed survey never change (answers are only written
// while it is open, and a closed survey does not reopen), so its coded
// dataset is kept in memory: reading and decoding 5,000 answers is most
// of the cost of a results page, and tabulating from the dataset is cheap.
// The cache holds anonymous, coded answers only, never a pseudonym.

type cacheKey struct {
	tenantID, surveyID, preID int64
	locale                    string
}

type datasetCache struct {
	mu    sync.Mutex
	max   int
	order []cacheKey
	m     map[cacheKey]*Dataset
}

func newDatasetCache(max int) *datasetCache {
	return &datasetCache{max: max, m: map[cacheKey]*Dataset{}}
}

func (c *datasetCache) get(k cacheKey) *Dataset {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *datasetCache) put(k cacheKey, d *Dataset) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return
	}
	if len(c.order) >= c.max { // the oldest entry goes
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.order = append(c.order, k)
	c.m[k] = d
}
