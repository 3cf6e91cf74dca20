/* laoxie.exe / laoxie-cli.exe: start the bundled Python on the program.
 *
 * Built twice from this file (packaging/windows/build.py, MinGW-w64):
 *   laoxie.exe      -mwindows: runs python\pythonw.exe, so no console window
 *                   opens; this is what the shortcuts and a double click start.
 *   laoxie-cli.exe  -mconsole -DLAOXIE_CONSOLE: runs python\python.exe in the
 *                   same console, for `laoxie-cli --self-test`, `demo --json`, ...
 * Both carry the icon (launcher.rc).  The command run is
 *   "<folder of this exe>\python\python[w].exe" -m desktop <the arguments given>
 * The arguments are passed on as typed (the rest of GetCommandLineW), so
 * quoting and Chinese text survive unchanged.  The launcher waits and returns
 * Python's exit code.  Python finds the program through python313._pth.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wchar.h>

#ifdef LAOXIE_CONSOLE
#define PYTHON_EXE L"python\\python.exe"
#else
#define PYTHON_EXE L"python\\pythonw.exe"
#endif

static const wchar_t *skip_program_name(const wchar_t *line)
{
    if (*line == L'"') {
        line++;
        while (*line && *line != L'"')
            line++;
        if (*line == L'"')
            line++;
    } else {
        while (*line && *line != L' ' && *line != L'\t')
            line++;
    }
    while (*line == L' ' || *line == L'\t')
        line++;
    return line;
}

static int fail(const wchar_t *what)
{
    wchar_t text[1024];
    _snwprintf(text, 1023, L"劳协无法启动：%ls（错误代码 %lu）。请重新安装本程序。", what, GetLastError());
    text[1023] = 0;
#ifdef LAOXIE_CONSOLE
    DWORD written;
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    if (!WriteConsoleW(err, text, (DWORD)wcslen(text), &written, NULL))
        MessageBoxW(NULL, text, L"劳协", MB_ICONERROR);
#else
    MessageBoxW(NULL, text, L"劳协", MB_ICONERROR);
#endif
    return 70;
}

int wmain(void)
{
    static wchar_t folder[32768], command[32768 + 64];
    DWORD n = GetModuleFileNameW(NULL, folder, 32767);
    if (n == 0 || n >= 32767)
        return fail(L"找不到程序所在的文件夹");
    wchar_t *slash = wcsrchr(folder, L'\\');
    if (slash)
        *slash = 0;
    const wchar_t *args = skip_program_name(GetCommandLineW());
    int written = _snwprintf(command, 32768 + 63, L"\"%ls\\%ls\" -m desktop %ls", folder, PYTHON_EXE, args);
    if (written < 0)
        return fail(L"命令行太长");
    command[32768 + 63] = 0;

    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    ZeroMemory(&pi, sizeof pi);
    if (!CreateProcessW(NULL, command, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return fail(L"找不到 " PYTHON_EXE);
    CloseHandle(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    return (int)code;
}
