package nn

// Dataset holds labelled samples with their inputs stored sparsely (only the
// non-zero features), which makes the first layer several times cheaper on
// MNIST, where about 80% of the pixels are 0.
type Dataset[T Float] struct {
	Dim    int      // number of input features
	Labels []uint8  // class of each sample
	start  []int32  // sample i's features are idx/val[start[i]:start[i+1]]
	idx    []uint16 // feature index, < MaxInputs
	val    []T
}

// MaxInputs is the largest number of input features a Dataset can index.
const MaxInputs = 1 << 16

// NewDataset builds a dataset from dense row-major inputs x (len(labels) rows
// of dim features each); dim must not exceed MaxInputs.
func NewDataset[T Float](dim int, x []T, labels []uint8) *Dataset[T] {
	if dim > MaxInputs {
		panic("nn: too many input features")
	}
	d := &Dataset[T]{Dim: dim, Labels: labels, start: make([]int32, 1, len(labels)+1)}
	for i := range labels {
		for j, v := range x[i*dim : (i+1)*dim] {
			if v != 0 {
				d.idx = append(d.idx, uint16(j))
				d.val = append(d.val, v)
			}
		}
		d.start = append(d.start, int32(len(d.idx)))
	}
	return d
}

// FromBytes builds a dataset from 8-bit pixels scaled by 1/255, as the seed does;
// dim must not exceed MaxInputs.
func FromBytes[T Float](dim int, pix []byte, labels []uint8) *Dataset[T] {
	if dim > MaxInputs {
		panic("nn: too many input features")
	}
	d := &Dataset[T]{Dim: dim, Labels: labels, start: make([]int32, 1, len(labels)+1)}
	for i := range labels {
		for j, p := range pix[i*dim : (i+1)*dim] {
			if p != 0 {
				d.idx = append(d.idx, uint16(j))
				d.val = append(d.val, T(p)/255)
			}
		}
		d.start = append(d.start, int32(len(d.idx)))
	}
	return d
}

// Len returns the number of samples.
func (d *Dataset[T]) Len() int { return len(d.Labels) }

// sample returns the non-zero features of sample i.
func (d *Dataset[T]) sample(i int) ([]uint16, []T) {
	s, e := d.start[i], d.start[i+1]
	return d.idx[s:e], d.val[s:e]
}
