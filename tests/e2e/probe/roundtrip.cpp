// The C++ half of the probe: std::string and an exception across frames.
#include <stdexcept>
#include <string>

extern "C" const char *cxx_roundtrip(const char *s)
{
	static std::string result;
	try {
		std::string v(s);
		v += "+std::string";
		throw std::runtime_error(v);
	} catch (const std::exception &e) {
		result = e.what();
	}
	return result.c_str();
}
