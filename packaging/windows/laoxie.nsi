; The laoxie installer: per user, no administrator rights, into
; %LOCALAPPDATA%\Programs\laoxie.  Built by packaging/windows/build.py:
;   makensis -INPUTCHARSET UTF8 -DVERSION=.. -DSTAGE=<the tree> -DOUTFILE=.. -DINSTALLED_KB=.. -DICON=.. laoxie.nsi
; Silent: laoxie-setup-<version>.exe /S  [/D=C:\other\folder  (last, unquoted)]
; The uninstaller removes the program and its shortcuts and keeps the office
; data (the database, backups and logs in %LOCALAPPDATA%\laoxie), which is
; not under the program's folder.

Target amd64-unicode  ; a 64-bit installer for the 64-bit program (and Wine without 32-bit support)
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
SetCompressorDictSize 64

!include MUI2.nsh

!define APP "laoxie"
!define NAME "劳协"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

Name "${NAME} ${VERSION}"
Caption "${NAME} ${VERSION} 安装"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
BrandingText "${NAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${NAME}"
VIAddVersionKey /LANG=0 "FileDescription" "${NAME}安装程序"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${NAME}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\laoxie.exe"
!define MUI_FINISHPAGE_RUN_TEXT "现在打开劳协"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将删除劳协程序及其快捷方式。$\r$\n办公数据（数据库、备份、日志，在 $LOCALAPPDATA\${APP}）会保留，重新安装后可以继续使用。"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; What the program consists of; an update removes the old version's files first
; (not the data, which lives elsewhere, nor anything else in the folder).
!macro REMOVE_PROGRAM
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\app"
  Delete "$INSTDIR\laoxie.exe"
  Delete "$INSTDIR\laoxie-cli.exe"
  Delete "$INSTDIR\laoxie.ico"
!macroend

Section "laoxie"
  SetShellVarContext current
  !insertmacro REMOVE_PROGRAM
  SetOutPath "$INSTDIR"
  File /r "${STAGE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${NAME}.lnk" "$INSTDIR\laoxie.exe" "" "$INSTDIR\laoxie.ico" 0 \
    SW_SHOWNORMAL "" "劳务协作贷款企业认定"
  CreateShortCut "$DESKTOP\${NAME}.lnk" "$INSTDIR\laoxie.exe" "" "$INSTDIR\laoxie.ico" 0 \
    SW_SHOWNORMAL "" "劳务协作贷款企业认定"

  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${NAME} ${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\laoxie.ico"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" ${INSTALLED_KB}
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${NAME}.lnk"
  Delete "$DESKTOP\${NAME}.lnk"
  !insertmacro REMOVE_PROGRAM
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only if empty: what else the clerk put there stays
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${APP}"
  ; $LOCALAPPDATA\laoxie (the office database, backups, logs) is kept on purpose.
SectionEnd
