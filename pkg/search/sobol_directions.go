package search

// sobolDirections are the primitive polynomials and initial direction
// numbers of dimensions 2 to sobolMaxDim of the Sobol sequence, the first
// rows of Joe & Kuo's new-joe-kuo-6.21201 file
// (https://web.maths.unsw.edu.au/~fkuo/sobol/, BSD licence; S. Joe and
// F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional
// projections", SIAM J. Sci. Comput. 30, 2635-2654, 2008), the table goptuna's
// sobol package and scipy.stats.qmc.Sobol embed. Each row is the degree s of
// the polynomial, its coefficients a and the initial direction numbers m_1..m_s.
// Dimension 1 has every m_i = 1. TestSobolMatchesScipy checks the table
// through the points it generates.
var sobolDirections = [sobolMaxDim - 1]struct {
	s, a uint32
	m    []uint32
}{
	{1, 0, []uint32{1}},                                    // dimension 2
	{2, 1, []uint32{1, 3}},                                 // dimension 3
	{3, 1, []uint32{1, 3, 1}},                              // dimension 4
	{3, 2, []uint32{1, 1, 1}},                              // dimension 5
	{4, 1, []uint32{1, 1, 3, 3}},                           // dimension 6
	{4, 4, []uint32{1, 3, 5, 13}},                          // dimension 7
	{5, 2, []uint32{1, 1, 5, 5, 17}},                       // dimension 8
	{5, 4, []uint32{1, 1, 5, 5, 5}},                        // dimension 9
	{5, 7, []uint32{1, 1, 7, 11, 19}},                      // dimension 10
	{5, 11, []uint32{1, 1, 5, 1, 1}},                       // dimension 11
	{5, 13, []uint32{1, 1, 1, 3, 11}},                      // dimension 12
	{5, 14, []uint32{1, 3, 5, 5, 31}},                      // dimension 13
	{6, 1, []uint32{1, 3, 3, 9, 7, 49}},                    // dimension 14
	{6, 13, []uint32{1, 1, 1, 15, 21, 21}},                 // dimension 15
	{6, 16, []uint32{1, 3, 1, 13, 27, 49}},                 // dimension 16
	{6, 19, []uint32{1, 1, 1, 15, 7, 5}},                   // dimension 17
	{6, 22, []uint32{1, 3, 1, 15, 13, 25}},                 // dimension 18
	{6, 25, []uint32{1, 1, 5, 5, 19, 61}},                  // dimension 19
	{7, 1, []uint32{1, 3, 7, 11, 23, 15, 103}},             // dimension 20
	{7, 4, []uint32{1, 3, 7, 13, 13, 15, 69}},              // dimension 21
	{7, 7, []uint32{1, 1, 3, 13, 7, 35, 63}},               // dimension 22
	{7, 8, []uint32{1, 3, 5, 9, 1, 25, 53}},                // dimension 23
	{7, 14, []uint32{1, 3, 1, 13, 9, 35, 107}},             // dimension 24
	{7, 19, []uint32{1, 3, 1, 5, 27, 61, 31}},              // dimension 25
	{7, 21, []uint32{1, 1, 5, 11, 19, 41, 61}},             // dimension 26
	{7, 28, []uint32{1, 3, 5, 3, 3, 13, 69}},               // dimension 27
	{7, 31, []uint32{1, 1, 7, 13, 1, 19, 1}},               // dimension 28
	{7, 32, []uint32{1, 3, 7, 5, 13, 19, 59}},              // dimension 29
	{7, 37, []uint32{1, 1, 3, 9, 25, 29, 41}},              // dimension 30
	{7, 41, []uint32{1, 3, 5, 13, 23, 1, 55}},              // dimension 31
	{7, 42, []uint32{1, 3, 7, 3, 13, 59, 17}},              // dimension 32
	{7, 50, []uint32{1, 3, 1, 3, 5, 53, 69}},               // dimension 33
	{7, 55, []uint32{1, 1, 5, 5, 23, 33, 13}},              // dimension 34
	{7, 56, []uint32{1, 1, 7, 7, 1, 61, 123}},              // dimension 35
	{7, 59, []uint32{1, 1, 7, 9, 13, 61, 49}},              // dimension 36
	{7, 62, []uint32{1, 3, 3, 5, 3, 55, 33}},               // dimension 37
	{8, 14, []uint32{1, 3, 1, 15, 31, 13, 49, 245}},        // dimension 38
	{8, 21, []uint32{1, 3, 5, 15, 31, 59, 63, 97}},         // dimension 39
	{8, 22, []uint32{1, 3, 1, 11, 11, 11, 77, 249}},        // dimension 40
	{8, 38, []uint32{1, 3, 1, 11, 27, 43, 71, 9}},          // dimension 41
	{8, 47, []uint32{1, 1, 7, 15, 21, 11, 81, 45}},         // dimension 42
	{8, 49, []uint32{1, 3, 7, 3, 25, 31, 65, 79}},          // dimension 43
	{8, 50, []uint32{1, 3, 1, 1, 19, 11, 3, 205}},          // dimension 44
	{8, 52, []uint32{1, 1, 5, 9, 19, 21, 29, 157}},         // dimension 45
	{8, 56, []uint32{1, 3, 7, 11, 1, 33, 89, 185}},         // dimension 46
	{8, 67, []uint32{1, 3, 3, 3, 15, 9, 79, 71}},           // dimension 47
	{8, 70, []uint32{1, 3, 7, 11, 15, 39, 119, 27}},        // dimension 48
	{8, 84, []uint32{1, 1, 3, 1, 11, 31, 97, 225}},         // dimension 49
	{8, 97, []uint32{1, 1, 1, 3, 23, 43, 57, 177}},         // dimension 50
	{8, 103, []uint32{1, 3, 7, 7, 17, 17, 37, 71}},         // dimension 51
	{8, 115, []uint32{1, 3, 1, 5, 27, 63, 123, 213}},       // dimension 52
	{8, 122, []uint32{1, 1, 3, 5, 11, 43, 53, 133}},        // dimension 53
	{9, 8, []uint32{1, 3, 5, 5, 29, 17, 47, 173, 479}},     // dimension 54
	{9, 13, []uint32{1, 3, 3, 11, 3, 1, 109, 9, 69}},       // dimension 55
	{9, 16, []uint32{1, 1, 1, 5, 17, 39, 23, 5, 343}},      // dimension 56
	{9, 22, []uint32{1, 3, 1, 5, 25, 15, 31, 103, 499}},    // dimension 57
	{9, 25, []uint32{1, 1, 1, 11, 11, 17, 63, 105, 183}},   // dimension 58
	{9, 44, []uint32{1, 1, 5, 11, 9, 29, 97, 231, 363}},    // dimension 59
	{9, 47, []uint32{1, 1, 5, 15, 19, 45, 41, 7, 383}},     // dimension 60
	{9, 52, []uint32{1, 3, 7, 7, 31, 19, 83, 137, 221}},    // dimension 61
	{9, 55, []uint32{1, 1, 1, 3, 23, 15, 111, 223, 83}},    // dimension 62
	{9, 59, []uint32{1, 1, 5, 13, 31, 15, 55, 25, 161}},    // dimension 63
	{9, 62, []uint32{1, 1, 3, 13, 25, 47, 39, 87, 257}},    // dimension 64
	{9, 67, []uint32{1, 1, 1, 11, 21, 53, 125, 249, 293}},  // dimension 65
	{9, 74, []uint32{1, 1, 7, 11, 11, 7, 57, 79, 323}},     // dimension 66
	{9, 81, []uint32{1, 1, 5, 5, 17, 13, 81, 3, 131}},      // dimension 67
	{9, 82, []uint32{1, 1, 7, 13, 23, 7, 65, 251, 475}},    // dimension 68
	{9, 87, []uint32{1, 3, 5, 1, 9, 43, 3, 149, 11}},       // dimension 69
	{9, 91, []uint32{1, 1, 3, 13, 31, 13, 13, 255, 487}},   // dimension 70
	{9, 94, []uint32{1, 3, 3, 1, 5, 63, 89, 91, 127}},      // dimension 71
	{9, 103, []uint32{1, 1, 3, 3, 1, 19, 123, 127, 237}},   // dimension 72
	{9, 104, []uint32{1, 1, 5, 7, 23, 31, 37, 243, 289}},   // dimension 73
	{9, 109, []uint32{1, 1, 5, 11, 17, 53, 117, 183, 491}}, // dimension 74
	{9, 122, []uint32{1, 1, 1, 5, 1, 13, 13, 209, 345}},    // dimension 75
	{9, 124, []uint32{1, 1, 3, 15, 1, 57, 115, 7, 33}},     // dimension 76
	{9, 137, []uint32{1, 3, 1, 11, 7, 43, 81, 207, 175}},   // dimension 77
	{9, 138, []uint32{1, 3, 1, 1, 15, 27, 63, 255, 49}},    // dimension 78
	{9, 143, []uint32{1, 3, 5, 3, 27, 61, 105, 171, 305}},  // dimension 79
	{9, 145, []uint32{1, 1, 5, 3, 1, 3, 57, 249, 149}},     // dimension 80
	{9, 152, []uint32{1, 1, 3, 5, 5, 57, 15, 13, 159}},     // dimension 81
	{9, 157, []uint32{1, 1, 1, 11, 7, 11, 105, 141, 225}},  // dimension 82
	{9, 167, []uint32{1, 3, 3, 5, 27, 59, 121, 101, 271}},  // dimension 83
	{9, 173, []uint32{1, 3, 5, 9, 11, 49, 51, 59, 115}},    // dimension 84
	{9, 176, []uint32{1, 1, 7, 1, 23, 45, 125, 71, 419}},   // dimension 85
	{9, 181, []uint32{1, 1, 3, 5, 23, 5, 105, 109, 75}},    // dimension 86
	{9, 182, []uint32{1, 1, 7, 15, 7, 11, 67, 121, 453}},   // dimension 87
	{9, 185, []uint32{1, 3, 7, 3, 9, 13, 31, 27, 449}},     // dimension 88
	{9, 191, []uint32{1, 3, 1, 15, 19, 39, 39, 89, 15}},    // dimension 89
	{9, 194, []uint32{1, 1, 1, 1, 1, 33, 73, 145, 379}},    // dimension 90
	{9, 199, []uint32{1, 3, 1, 15, 15, 43, 29, 13, 483}},   // dimension 91
	{9, 218, []uint32{1, 1, 7, 3, 19, 27, 85, 131, 431}},   // dimension 92
	{9, 220, []uint32{1, 3, 3, 3, 5, 35, 23, 195, 349}},    // dimension 93
	{9, 227, []uint32{1, 3, 3, 7, 9, 27, 39, 59, 297}},     // dimension 94
	{9, 229, []uint32{1, 1, 3, 9, 11, 17, 13, 241, 157}},   // dimension 95
	{9, 230, []uint32{1, 3, 7, 15, 25, 57, 33, 189, 213}},  // dimension 96
	{9, 234, []uint32{1, 1, 7, 1, 9, 55, 73, 83, 217}},     // dimension 97
	{9, 236, []uint32{1, 3, 3, 13, 19, 27, 23, 113, 249}},  // dimension 98
	{9, 241, []uint32{1, 3, 5, 3, 23, 43, 3, 253, 479}},    // dimension 99
	{9, 244, []uint32{1, 1, 5, 5, 11, 5, 45, 117, 217}},    // dimension 100
}
