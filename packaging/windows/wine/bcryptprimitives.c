/* bcryptprimitives.dll for the Wine test prefix ONLY: never shipped
 * (packaging/windows/wine_test.sh builds it and copies it into the prefix's
 * system32).
 *
 * The Rust-built wheels (cryptography, pyrage, python-calamine) get their
 * random numbers from bcryptprimitives.dll!ProcessPrng, as Rust's standard
 * library does since 1.78.  Windows 10 has that DLL; Wine 8 (Debian 12) does
 * not, so those imports fail there with "DLL load failed".  Newer Wine has it.
 * This stand-in answers from the system RNG through bcrypt.dll, which Wine 8
 * implements.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI shim_ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
