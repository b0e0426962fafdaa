package nn

// axpy sets y += a*x over len(x) elements.
func axpy[T Float](a T, x, y []T) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs, ys := x[i:i+4:i+4], y[i:i+4:i+4]
		ys[0] += a * xs[0]
		ys[1] += a * xs[1]
		ys[2] += a * xs[2]
		ys[3] += a * xs[3]
	}
	for ; i < len(x); i++ {
		y[i] += a * x[i]
	}
}

// dot returns the inner product of x and y over len(x) elements.
func dot[T Float](x, y []T) T {
	y = y[:len(x)]
	var s0, s1, s2, s3 T
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs, ys := x[i:i+4:i+4], y[i:i+4:i+4]
		s0 += xs[0] * ys[0]
		s1 += xs[1] * ys[1]
		s2 += xs[2] * ys[2]
		s3 += xs[3] * ys[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy2 sets y += a*x + b*w over len(x) elements, halving the loads and
// stores of y compared with two axpy calls.
func axpy2[T Float](a T, x []T, b T, w, y []T) {
	w, y = w[:len(x)], y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xs, ws, ys := x[i:i+4:i+4], w[i:i+4:i+4], y[i:i+4:i+4]
		ys[0] += a*xs[0] + b*ws[0]
		ys[1] += a*xs[1] + b*ws[1]
		ys[2] += a*xs[2] + b*ws[2]
		ys[3] += a*xs[3] + b*ws[3]
	}
	for ; i < len(x); i++ {
		y[i] += a*x[i] + b*w[i]
	}
}
